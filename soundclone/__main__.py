from soundclone.cli import main

main()
