"""Text for bench/quality.py: test sentences for cloned voices, and one sentence per language of the spec's v2 list.

None of these appear in the sentences that enrollment speaks to itself (kokoro/enroll.py, kokoro/inversion.py),
so every test sentence is unseen by the method under test.
"""

from __future__ import annotations

# Sentences a cloned voice is judged on: English for every speaker, plus the speaker's own language.
TEST_SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "Please leave the package by the back door if nobody answers the bell.",
        "My grandmother still writes letters by hand and posts them every Friday.",
        "The train to the coast was late, so we shared a sandwich on the platform.",
    ),
    "es": (
        "El tren llegó tarde, así que esperamos en la cafetería de la estación.",
        "Mi hermana prepara una sopa de verduras deliciosa todos los domingos.",
    ),
    "fr": (
        "Le train est arrivé en retard, alors nous avons attendu au café de la gare.",
        "Ma sœur prépare une excellente soupe de légumes tous les dimanches.",
    ),
    "it": (
        "Il treno è arrivato in ritardo, così abbiamo aspettato al bar della stazione.",
        "Mia sorella prepara un'ottima zuppa di verdure ogni domenica.",
    ),
    "ru": (
        "Поезд опоздал, поэтому мы долго ждали в маленьком кафе на вокзале.",
        "Моя сестра каждое воскресенье готовит очень вкусный овощной суп.",
    ),
    "zh": (
        "火车晚点了，所以我们在车站的咖啡馆里等了一会儿。",
        "我姐姐每个星期天都会做一锅好喝的蔬菜汤。",
    ),
}

# One natural sentence (8-15 words, or the equivalent in languages written without spaces) per engine code.
LANGUAGE_SENTENCES: dict[str, str] = {
    "zh": "今天下午我们一起去图书馆看书，然后在附近吃晚饭。",
    "yue": "我哋今晚去茶餐廳食飯，你想唔想一齊嚟呀？",
    "en": "The children walked along the quiet beach and collected smooth stones for their garden.",
    "ar": "ذهبت العائلة إلى السوق صباح الجمعة لشراء الخضار والفواكه الطازجة.",
    "ru": "Вчера вечером мы гуляли по парку и долго разговаривали о книгах.",
    "es": "Mañana por la mañana vamos a visitar a mis abuelos en el pueblo.",
    "fr": "Ce soir, nous allons préparer un bon dîner avec nos amis du quartier.",
    "pt": "No fim de semana, gostamos de passear pela praia com os nossos filhos.",
    "de": "Am Wochenende fahren wir mit dem Fahrrad an den kleinen See im Wald.",
    "tr": "Hafta sonu arkadaşlarımla birlikte deniz kenarında uzun bir yürüyüş yaptık.",
    "nl": "Vanmiddag fietsen we samen naar de markt om verse groenten te kopen.",
    "uk": "Сьогодні ввечері ми підемо до театру разом із нашими старими друзями.",
    "vi": "Sáng nay tôi đi chợ mua rau và cá tươi cho bữa trưa.",
    "id": "Setiap pagi saya minum kopi sambil membaca berita di teras rumah.",
    "ja": "今日は天気がいいので、友達と一緒に公園へ散歩に行きました。",
    "it": "Domani mattina andremo al mercato a comprare frutta fresca e pane caldo.",
    "ko": "주말에는 가족과 함께 공원에서 산책을 하고 점심을 먹었어요.",
    "th": "เมื่อวานนี้ฉันไปตลาดกับแม่เพื่อซื้อผักและผลไม้สดมาทำอาหาร",
    "pl": "W sobotę pojechaliśmy nad jezioro i cały dzień pływaliśmy łódką.",
    "ro": "Mâine dimineață mergem la piață să cumpărăm legume proaspete și pâine.",
    "el": "Το απόγευμα πήγαμε βόλτα στο λιμάνι και ήπιαμε καφέ δίπλα στη θάλασσα.",
    "cs": "O víkendu jsme jeli na chatu a celý den jsme sbírali houby.",
    "fi": "Viikonloppuna menimme mökille ja uimme järvessä koko pitkän iltapäivän.",
    "hi": "कल शाम हम सब परिवार के साथ बाज़ार घूमने गए थे।",
    "bg": "Тази сутрин отидохме на пазара и купихме пресни плодове и зеленчуци.",
    "da": "I weekenden cyklede vi ud til stranden og spiste is i solen.",
    "he": "אתמול בערב הלכנו לים וישבנו על החול עד השקיעה.",
    "ms": "Pada hujung minggu, kami sekeluarga pergi berkelah di tepi pantai yang indah.",
    "fa": "دیروز عصر با دوستانم به پارک رفتیم و کنار دریاچه چای خوردیم.",
    "sk": "Cez víkend sme išli do hôr a večer sme varili pri ohni.",
    "sv": "I helgen åkte vi ut till landet och plockade blåbär i skogen.",
    "hr": "Jučer smo cijeli dan šetali uz more i jeli sladoled na plaži.",
    "fil": "Kahapon ay pumunta kami sa palengke upang bumili ng sariwang isda at gulay.",
    "hu": "Tegnap délután a barátaimmal sétáltunk a parkban, és fagylaltot ettünk.",
    "nb": "I går kveld gikk vi en lang tur langs elva sammen med hunden.",
    "sl": "Včeraj smo se z družino odpeljali na izlet v bližnje hribe.",
    "ca": "Demà al matí anirem al mercat a comprar fruita fresca i pa.",
    "nn": "I går kveld gjekk vi ein lang tur langs elva saman med hunden.",
    "ta": "நேற்று மாலை நாங்கள் நண்பர்களுடன் கடற்கரைக்குச் சென்று நீண்ட நேரம் நடந்தோம்.",
    "af": "Gister het ons saam met ons vriende in die park gaan stap.",
}
