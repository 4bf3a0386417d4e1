"""The web console (`/`) and the API reference (`/docs`), both served from the package: nothing from a CDN.

The console is static files (`static/`) that talk to the public APIs with the key the user types in; the
reference is FastAPI's Swagger UI and ReDoc with their assets from the `fastapi-offline` wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

CONSOLE_DIR = Path(__file__).parent / "static"
# The console's page runs only its own files: no inline script, nothing from elsewhere; audio from the service's
# file links and from the page's own blobs (streamed speech, recordings). The key it holds stays in this origin.
CONSOLE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                  "frame-ancestors 'none'; form-action 'self'")
CONSOLE_PATH = "/console"
DOCS_ASSETS_PATH = "/static/docs"
DOCS_ASSETS_PACKAGE = "fastapi_offline"


def install(app: FastAPI) -> None:
    """Mount the console at `/` and the reference at `/docs` and `/redoc` (the app is made with docs_url=None)."""
    assets = Path(str(files(DOCS_ASSETS_PACKAGE) / "static"))
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=assets), name="docs-assets")
    app.mount(CONSOLE_PATH, StaticFiles(directory=CONSOLE_DIR), name="console")

    @app.get("/", include_in_schema=False)
    def console() -> FileResponse:
        return FileResponse(CONSOLE_DIR / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": CONSOLE_POLICY, "Referrer-Policy": "no-referrer",
                                     "Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} – API reference",
                                   swagger_js_url=f"{DOCS_ASSETS_PATH}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS_PATH}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS_PATH}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=app.openapi_url, title=f"{app.title} – API reference",
                              redoc_js_url=f"{DOCS_ASSETS_PATH}/redoc.standalone.js",
                              redoc_favicon_url=f"{DOCS_ASSETS_PATH}/favicon.png", with_google_fonts=False)
