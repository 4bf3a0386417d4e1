"""Text for bench/quality.py: test sentences for cloned voices, and three sentences per language of the spec's v2 list.

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

# Three natural sentences (8-15 words, or the equivalent in languages written without spaces) per engine code.
# The language table judges each sentence and the three spoken one after another (~10 s): Whisper's language
# identification on one short sentence swings with the sentence (2026-12-05, `jm_kumo`: 16 of 40 languages on
# the first sentences, 52 of the 120 sentences, 21 of 40 on the paragraphs).
LANGUAGE_SENTENCES: dict[str, tuple[str, str, str]] = {
    "zh": (
        "今天下午我们一起去图书馆看书，然后在附近吃晚饭。",
        "我的朋友昨天买了一辆新的自行车，每天骑车去上班。",
        "这家饭馆的饺子很好吃，周末总是有很多人排队。",
    ),
    "yue": (
        "我哋今晚去茶餐廳食飯，你想唔想一齊嚟呀？",
        "呢間餐廳嘅點心好好食，我哋成日嚟飲茶。",
        "聽日會落雨，記得出門要帶遮呀。",
    ),
    "en": (
        "The children walked along the quiet beach and collected smooth stones for their garden.",
        "My neighbour plays the piano every evening after dinner.",
        "We forgot the map, so we asked a farmer for directions.",
    ),
    "ar": (
        "ذهبت العائلة إلى السوق صباح الجمعة لشراء الخضار والفواكه الطازجة.",
        "يحب أخي قراءة الكتب في المساء قبل النوم.",
        "اشترينا سيارة جديدة لأن السيارة القديمة كانت تتعطل كثيرا.",
    ),
    "ru": (
        "Вчера вечером мы гуляли по парку и долго разговаривали о книгах.",
        "Моя бабушка печёт вкусные пироги с яблоками каждое воскресенье.",
        "Летом мы всей семьёй ездим на дачу и купаемся в реке.",
    ),
    "es": (
        "Mañana por la mañana vamos a visitar a mis abuelos en el pueblo.",
        "Mi hermano trabaja en un hospital y siempre llega muy cansado a casa.",
        "Este verano queremos viajar al norte para conocer las montañas.",
    ),
    "fr": (
        "Ce soir, nous allons préparer un bon dîner avec nos amis du quartier.",
        "Mon frère travaille dans une boulangerie et se lève très tôt le matin.",
        "Cet été, nous voulons partir à la montagne avec nos enfants.",
    ),
    "pt": (
        "No fim de semana, gostamos de passear pela praia com os nossos filhos.",
        "O meu irmão trabalha num hospital e chega sempre muito cansado a casa.",
        "Este verão queremos viajar para o norte para conhecer as montanhas.",
    ),
    "de": (
        "Am Wochenende fahren wir mit dem Fahrrad an den kleinen See im Wald.",
        "Mein Bruder arbeitet in einer Bäckerei und steht jeden Morgen sehr früh auf.",
        "Im Sommer möchten wir mit den Kindern in die Berge fahren.",
    ),
    "tr": (
        "Hafta sonu arkadaşlarımla birlikte deniz kenarında uzun bir yürüyüş yaptık.",
        "Kardeşim bir hastanede çalışıyor ve eve her zaman çok yorgun geliyor.",
        "Bu yaz çocuklarla birlikte dağlara gitmek istiyoruz.",
    ),
    "nl": (
        "Vanmiddag fietsen we samen naar de markt om verse groenten te kopen.",
        "Mijn broer werkt in een bakkerij en staat elke ochtend heel vroeg op.",
        "Deze zomer willen we met de kinderen naar de bergen gaan.",
    ),
    "uk": (
        "Сьогодні ввечері ми підемо до театру разом із нашими старими друзями.",
        "Мій брат працює в лікарні і завжди приходить додому дуже втомлений.",
        "Цього літа ми хочемо поїхати в гори разом із дітьми.",
    ),
    "vi": (
        "Sáng nay tôi đi chợ mua rau và cá tươi cho bữa trưa.",
        "Anh trai tôi làm việc ở bệnh viện và luôn về nhà rất mệt.",
        "Mùa hè này chúng tôi muốn đưa các con lên núi chơi.",
    ),
    "id": (
        "Setiap pagi saya minum kopi sambil membaca berita di teras rumah.",
        "Kakak saya bekerja di rumah sakit dan selalu pulang dalam keadaan lelah.",
        "Musim liburan ini kami ingin pergi ke gunung bersama anak-anak.",
    ),
    "ja": (
        "今日は天気がいいので、友達と一緒に公園へ散歩に行きました。",
        "兄は病院で働いていて、いつもとても疲れて帰ってきます。",
        "この夏は子供たちと一緒に山へ行きたいと思っています。",
    ),
    "it": (
        "Domani mattina andremo al mercato a comprare frutta fresca e pane caldo.",
        "Mio fratello lavora in ospedale e torna sempre a casa molto stanco.",
        "Quest'estate vogliamo andare in montagna con i bambini.",
    ),
    "ko": (
        "주말에는 가족과 함께 공원에서 산책을 하고 점심을 먹었어요.",
        "제 형은 병원에서 일하고 항상 아주 피곤한 얼굴로 집에 와요.",
        "이번 여름에는 아이들과 함께 산에 가고 싶어요.",
    ),
    "th": (
        "เมื่อวานนี้ฉันไปตลาดกับแม่เพื่อซื้อผักและผลไม้สดมาทำอาหาร",
        "พี่ชายของฉันทำงานที่โรงพยาบาลและกลับบ้านเหนื่อยทุกวัน",
        "ฤดูร้อนนี้เราอยากพาลูกไปเที่ยวภูเขา",
    ),
    "pl": (
        "W sobotę pojechaliśmy nad jezioro i cały dzień pływaliśmy łódką.",
        "Mój brat pracuje w szpitalu i zawsze wraca do domu bardzo zmęczony.",
        "Tego lata chcemy pojechać z dziećmi w góry.",
    ),
    "ro": (
        "Mâine dimineață mergem la piață să cumpărăm legume proaspete și pâine.",
        "Fratele meu lucrează la spital și vine mereu acasă foarte obosit.",
        "În vara aceasta vrem să mergem la munte cu copiii.",
    ),
    "el": (
        "Το απόγευμα πήγαμε βόλτα στο λιμάνι και ήπιαμε καφέ δίπλα στη θάλασσα.",
        "Ο αδερφός μου δουλεύει σε νοσοκομείο και γυρίζει πάντα πολύ κουρασμένος.",
        "Αυτό το καλοκαίρι θέλουμε να πάμε στο βουνό με τα παιδιά.",
    ),
    "cs": (
        "O víkendu jsme jeli na chatu a celý den jsme sbírali houby.",
        "Můj bratr pracuje v nemocnici a domů vždycky přijde velmi unavený.",
        "Letos v létě chceme jet s dětmi na hory.",
    ),
    "fi": (
        "Viikonloppuna menimme mökille ja uimme järvessä koko pitkän iltapäivän.",
        "Veljeni työskentelee sairaalassa ja tulee aina kotiin hyvin väsyneenä.",
        "Tänä kesänä haluamme lähteä lasten kanssa vuorille.",
    ),
    "hi": (
        "कल शाम हम सब परिवार के साथ बाज़ार घूमने गए थे।",
        "मेरा भाई अस्पताल में काम करता है और हमेशा बहुत थका हुआ घर आता है।",
        "इस गर्मी में हम बच्चों के साथ पहाड़ों पर जाना चाहते हैं।",
    ),
    "bg": (
        "Тази сутрин отидохме на пазара и купихме пресни плодове и зеленчуци.",
        "Брат ми работи в болница и винаги се прибира много уморен.",
        "Това лято искаме да отидем на планина с децата.",
    ),
    "da": (
        "I weekenden cyklede vi ud til stranden og spiste is i solen.",
        "Min bror arbejder på et hospital og kommer altid meget træt hjem.",
        "I sommer vil vi gerne tage til bjergene med børnene.",
    ),
    "he": (
        "אתמול בערב הלכנו לים וישבנו על החול עד השקיעה.",
        "אחי עובד בבית חולים ותמיד חוזר הביתה עייף מאוד.",
        "בקיץ הזה אנחנו רוצים לנסוע להרים עם הילדים.",
    ),
    "ms": (
        "Pada hujung minggu, kami sekeluarga pergi berkelah di tepi pantai yang indah.",
        "Abang saya bekerja di hospital dan selalu pulang ke rumah dalam keadaan letih.",
        "Musim cuti ini kami mahu pergi ke kawasan tanah tinggi bersama anak-anak.",
    ),
    "fa": (
        "دیروز عصر با دوستانم به پارک رفتیم و کنار دریاچه چای خوردیم.",
        "برادرم در بیمارستان کار می‌کند و همیشه خیلی خسته به خانه می‌آید.",
        "این تابستان می‌خواهیم با بچه‌ها به کوه برویم.",
    ),
    "sk": (
        "Cez víkend sme išli do hôr a večer sme varili pri ohni.",
        "Môj brat pracuje v nemocnici a domov vždy prichádza veľmi unavený.",
        "Toto leto chceme ísť s deťmi do hôr.",
    ),
    "sv": (
        "I helgen åkte vi ut till landet och plockade blåbär i skogen.",
        "Min bror arbetar på ett sjukhus och kommer alltid hem väldigt trött.",
        "I sommar vill vi åka till fjällen med barnen.",
    ),
    "hr": (
        "Jučer smo cijeli dan šetali uz more i jeli sladoled na plaži.",
        "Moj brat radi u bolnici i uvijek dolazi kući jako umoran.",
        "Ovog ljeta želimo ići u planine s djecom.",
    ),
    "fil": (
        "Kahapon ay pumunta kami sa palengke upang bumili ng sariwang isda at gulay.",
        "Ang kuya ko ay nagtatrabaho sa ospital at laging pagod pag-uwi sa bahay.",
        "Ngayong tag-init, gusto naming pumunta sa bundok kasama ang mga bata.",
    ),
    "hu": (
        "Tegnap délután a barátaimmal sétáltunk a parkban, és fagylaltot ettünk.",
        "A bátyám egy kórházban dolgozik, és mindig nagyon fáradtan jön haza.",
        "Ezen a nyáron a gyerekekkel a hegyekbe szeretnénk menni.",
    ),
    "nb": (
        "I går kveld gikk vi en lang tur langs elva sammen med hunden.",
        "Broren min jobber på et sykehus og kommer alltid veldig sliten hjem.",
        "I sommer vil vi reise til fjells med barna.",
    ),
    "sl": (
        "Včeraj smo se z družino odpeljali na izlet v bližnje hribe.",
        "Moj brat dela v bolnišnici in vedno pride domov zelo utrujen.",
        "To poletje želimo z otroki v hribe.",
    ),
    "ca": (
        "Demà al matí anirem al mercat a comprar fruita fresca i pa.",
        "El meu germà treballa en un hospital i sempre arriba molt cansat a casa.",
        "Aquest estiu volem anar a la muntanya amb els nens.",
    ),
    "nn": (
        "I går kveld gjekk vi ein lang tur langs elva saman med hunden.",
        "Bror min jobbar på eit sjukehus og kjem alltid heim veldig trøytt.",
        "I sommar vil vi reise til fjells med borna.",
    ),
    "ta": (
        "நேற்று மாலை நாங்கள் நண்பர்களுடன் கடற்கரைக்குச் சென்று நீண்ட நேரம் நடந்தோம்.",
        "என் அண்ணன் மருத்துவமனையில் வேலை செய்கிறார், எப்போதும் மிகவும் சோர்வாக வீட்டுக்கு வருகிறார்.",
        "இந்த கோடையில் குழந்தைகளுடன் மலைக்குச் செல்ல விரும்புகிறோம்.",
    ),
    "af": (
        "Gister het ons saam met ons vriende in die park gaan stap.",
        "My broer werk in 'n hospitaal en kom altyd baie moeg by die huis.",
        "Hierdie somer wil ons saam met die kinders berge toe gaan.",
    ),
}
