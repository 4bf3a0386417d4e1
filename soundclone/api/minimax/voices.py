"""MiniMax's documented system voice ids, each spoken here by a Kokoro system voice (data).

A MiniMax client's default voice (`female-shaonv`, `male-qn-qingse`, `English_Graceful_Lady`, …) works unchanged:
every id of MiniMax's public list is an alias of a system voice of the same sex, from the packs made for its
language where Kokoro has some (Mandarin, Cantonese → Mandarin, English, Japanese, Spanish, French, Italian,
Portuguese, Hindi), and from the American and British English packs otherwise (any pack speaks any language).
Within a language and sex the aliases take the packs in turn, so neighbouring ids sound different.
"""

from __future__ import annotations

from itertools import cycle
from types import MappingProxyType

FEMALE, MALE = "female", "male"
# language -> sex -> MiniMax ids (one per line)
IDS = {
    "zh": {
        FEMALE: """female-shaonv
female-yujie
female-chengshu
female-tianmei
female-shaonv-jingpin
female-yujie-jingpin
female-chengshu-jingpin
female-tianmei-jingpin
lovely_girl
cartoon_pig
tianxin_xiaoling
qiaopi_mengmei
wumei_yujie
diadia_xuemei
danya_xuejie
Chinese (Mandarin)_News_Anchor
Chinese (Mandarin)_Mature_Woman
Arrogant_Miss
Chinese (Mandarin)_Kind-hearted_Antie
Chinese (Mandarin)_HK_Flight_Attendant
Chinese (Mandarin)_Warm_Bestie
Chinese (Mandarin)_Sweet_Lady
Chinese (Mandarin)_Wise_Women
Chinese (Mandarin)_Warm_Girl
Chinese (Mandarin)_Kind-hearted_Elder
Chinese (Mandarin)_Gentle_Senior
Chinese (Mandarin)_Crisp_Girl
Chinese (Mandarin)_Soft_Girl
presenter_female
audiobook_female_1
audiobook_female_2
Cantonese_ProfessionalHost（F)
Cantonese_GentleLady
Cantonese_CuteGirl
Cantonese_KindWoman""",
        MALE: """male-qn-qingse
male-qn-jingying
male-qn-badao
male-qn-daxuesheng
male-qn-qingse-jingpin
male-qn-jingying-jingpin
male-qn-badao-jingpin
male-qn-daxuesheng-jingpin
clever_boy
cute_boy
bingjiao_didi
junlang_nanyou
chunzhen_xuedi
lengdan_xiongzhang
badao_shaoye
Chinese (Mandarin)_Reliable_Executive
Chinese (Mandarin)_Unrestrained_Young_Man
Robot_Armor
Chinese (Mandarin)_Humorous_Elder
Chinese (Mandarin)_Gentleman
Chinese (Mandarin)_Male_Announcer
Chinese (Mandarin)_Southern_Young_Man
Chinese (Mandarin)_Gentle_Youth
Chinese (Mandarin)_Cute_Spirit
Chinese (Mandarin)_Radio_Host
Chinese (Mandarin)_Lyrical_Voice
Chinese (Mandarin)_Straightforward_Boy
Chinese (Mandarin)_Sincere_Adult
Chinese (Mandarin)_Stubborn_Friend
Chinese (Mandarin)_Pure-hearted_Boy
presenter_male
audiobook_male_1
audiobook_male_2
Cantonese_ProfessionalHost（M)
Cantonese_PlayfulMan""",
    },
    "en": {
        FEMALE: "Charming_Lady\nSweet_Girl\nCute_Elf\nAttractive_Girl\nSerene_Woman\nEnglish_Graceful_Lady\n"
                "English_Whispering_girl",
        MALE: "Santa_Claus\nGrinch\nRudolph\nArnold\nCharming_Santa\nEnglish_Trustworthy_Man\nEnglish_Aussie_Bloke\n"
              "English_Diligent_Man\nEnglish_Gentle-voiced_man",
    },
    "ja": {
        FEMALE: "Japanese_DecisivePrincess\nJapanese_ColdQueen\nJapanese_DependableWoman\nJapanese_KindLady\n"
                "Japanese_CalmLady\nJapanese_GracefulMaiden",
        MALE: "Japanese_IntellectualSenior\nJapanese_LoyalKnight\nJapanese_DominantMan\nJapanese_SeriousCommander\n"
              "Japanese_GentleButler\nJapanese_OptimisticYouth\nJapanese_GenerousIzakayaOwner\nJapanese_SportyStudent\n"
              "Japanese_InnocentBoy",
    },
    "ko": {
        FEMALE: "\n".join("Korean_" + n for n in (
            "SweetGirl EnchantingSister ShyGirl ReliableSister SassyGirl ChildhoodFriendGirl ElegantPrincess "
            "BraveFemaleWarrior CalmLady SoothingLady MatureLady CharmingSister DecisiveQueen MysteriousGirl "
            "QuirkyGirl CheerfulLittleSister AirheadedGirl FriendlyBigSister ColdGirl HaughtyLady "
            "CharmingElderSister CaringWoman AthleticGirl GentleWoman ThoughtfulWoman").split()),
        MALE: "\n".join("Korean_" + n for n in (
            "CheerfulBoyfriend StrictBoss PlayboyCharmer BraveYouth EnthusiasticTeen IntellectualSenior "
            "LonelyWarrior InnocentBoy AthleticStudent BraveAdventurer CalmGentleman WiseElf CheerfulCoolJunior "
            "ColdYoungMan ConsiderateSenior DominantMan ReliableYouth GentleBoss IntellectualMan WiseTeacher "
            "ConfidentBoss PossessiveMan CockyGuy OptimisticYouth").split()),
    },
    "es": {
        FEMALE: "\n".join("Spanish_" + n for n in (
            "SereneWoman Kind-heartedGirl ConfidentWoman SophisticatedLady AnimeCharacter Fussyhostess FrankLady "
            "Wiselady Intonategirl WhimsicalGirl AssertiveQueen CaringGirlfriend ChattyGirl CompellingGirl "
            "ThoughtfulLady").split()),
        MALE: "\n".join("Spanish_" + n for n in (
            "MaturePartner CaptivatingStoryteller Narrator WiseScholar DeterminedManager BossyLeader "
            "ReservedYoungMan ThoughtfulMan Strong-WilledBoy RationalMan Deep-tonedMan SincereTeen Comedian Debator "
            "ToughBoss Steadymentor Jovialman SantaClaus Rudolph Arnold Ghost HumorousElder EnergeticBoy StrictBoss "
            "ReliableMan SereneElder AngryMan PowerfulSoldier PassionateWarrior RomanticHusband PowerfulVeteran "
            "SensibleManager").split()),
    },
    "pt": {
        FEMALE: "\n".join("Portuguese_" + n for n in (
            "SentimentalLady Wiselady UpsetGirl AnimeCharacter ConfidentWoman SmartYoungGirl Kind-heartedGirl "
            "Pompouslady SweetGirl AttractiveGirl PlayfulGirl GorgeousLady LovelyLady SereneWoman NaughtySchoolgirl "
            "Fussyhostess CharmingQueen CharmingLady AssertiveQueen WhimsicalGirl StressedLady CaringGirlfriend "
            "InspiringLady ElegantGirl CompellingGirl ThoughtfulLady ChattyGirl FrankLady").split()),
        MALE: "\n".join("Portuguese_" + n for n in (
            "BossyLeader Strong-WilledBoy Deep-VoicedGentleman PassionateWarrior AngryMan CaptivatingStoryteller "
            "Godfather ReservedYoungMan Grinch Debator ThoughtfulMan SadTeen MaturePartner Comedian Narrator "
            "ToughBoss Dramatist Steadymentor Jovialman SantaClaus Rudolph Arnold CharmingSanta Ghost HumorousElder "
            "CalmLeader GentleTeacher EnergeticBoy ReliableMan SereneElder GrimReaper FriendlyNeighbor "
            "PowerfulSoldier FascinatingBoy RomanticHusband StrictBoss PlayfulSpirit PowerfulVeteran "
            "SensibleManager TheatricalActor FragileBoy Conscientiousinstructor RationalMan WiseScholar "
            "DeterminedManager").split()),
    },
    "fr": {
        FEMALE: "French_Female_News Anchor\nFrench_MovieLeadFemale\nFrench_FemaleAnchor",
        MALE: "French_Male_Speech_New\nFrench_CasualMan\nFrench_MaleNarrator",
    },
    "it": {FEMALE: "Italian_BraveHeroine", MALE: "Italian_Narrator\nItalian_WanderingSorcerer\nItalian_DiligentLeader"},
    "hi": {FEMALE: "hindi_female_2_v1\nhindi_female_1_v2", MALE: "hindi_male_1_v2"},
    "other": {
        FEMALE: """Indonesian_SweetGirl
Indonesian_CharmingGirl
Indonesian_CalmWoman
Indonesian_ConfidentWoman
Indonesian_GentleGirl
German_SweetLady
Russian_BrightHeroine
Russian_AmbitiousWoman
Russian_CrazyQueen
Russian_PessimisticGirl
Arabic_CalmWoman
Turkish_CalmWoman
Ukrainian_CalmWoman
Dutch_kindhearted_girl
Vietnamese_kindhearted_girl
Thai_female_1_sample1
Thai_female_2_sample2
Polish_female_1_sample1
Polish_female_2_sample3
Romanian_female_1_sample4
Romanian_female_2_sample1
Greek_female_1_sample1
Greek_female_2_sample3
czech_female_5_v7
czech_female_2_v2
finnish_female_4_v1""",
        MALE: """Indonesian_ReservedYoungMan
Indonesian_CaringMan
Indonesian_BossyLeader
Indonesian_DeterminedBoy
German_FriendlyMan
German_PlayfulMan
Russian_HandsomeChildhoodFriend
Russian_ReliableMan
Russian_AttractiveGuy
Russian_Bad-temperedBoy
Arabic_FriendlyGuy
Turkish_Trustworthyman
Ukrainian_WiseScholar
Dutch_bossy_leader
Thai_male_1_sample8
Thai_male_2_sample2
Polish_male_1_sample4
Polish_male_2_sample3
Romanian_male_1_sample2
Romanian_male_2_sample1
greek_male_1a_v1
czech_male_1_v1
finnish_male_3_v1
finnish_male_1_v2""",
    },
}
ENGLISH_PACKS = {
    FEMALE: ("af_heart", "af_bella", "af_nicole", "af_sarah", "af_sky", "af_nova", "af_alloy", "af_aoede",
             "af_jessica", "af_kore", "af_river", "bf_emma", "bf_isabella", "bf_alice", "bf_lily"),
    MALE: ("am_michael", "am_fenrir", "am_puck", "am_adam", "am_echo", "am_eric", "am_liam", "am_onyx", "bm_george",
           "bm_fable", "bm_daniel", "bm_lewis"),
}
PACKS = {
    "zh": {FEMALE: ("zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi"),
           MALE: ("zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang")},
    "en": ENGLISH_PACKS,
    "ja": {FEMALE: ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro"), MALE: ("jm_kumo",)},
    "es": {FEMALE: ("ef_dora",), MALE: ("em_alex",)},
    "pt": {FEMALE: ("pf_dora",), MALE: ("pm_alex",)},
    "fr": {FEMALE: ("ff_siwis",), MALE: ENGLISH_PACKS[MALE]},
    "it": {FEMALE: ("if_sara",), MALE: ("im_nicola",)},
    "hi": {FEMALE: ("hf_alpha", "hf_beta"), MALE: ("hm_omega", "hm_psi")},
}
SANTAS = {"Santa_Claus": "am_santa", "Charming_Santa": "am_santa", "Spanish_SantaClaus": "em_santa",
          "Portuguese_SantaClaus": "pm_santa", "Portuguese_CharmingSanta": "pm_santa"}


def _aliases() -> dict[str, str]:
    table = {}
    for language, by_sex in IDS.items():
        for sex, ids in by_sex.items():
            packs = cycle(PACKS.get(language, ENGLISH_PACKS)[sex])
            table.update((voice_id, SANTAS.get(voice_id) or next(packs)) for voice_id in ids.splitlines())
    return table


ALIASES = MappingProxyType(_aliases())
LANGUAGE_OF = MappingProxyType({voice_id: language for language, by_sex in IDS.items()
                                for ids in by_sex.values() for voice_id in ids.splitlines()})
SEX_OF = MappingProxyType({voice_id: sex for by_sex in IDS.values() for sex, ids in by_sex.items()
                           for voice_id in ids.splitlines()})
