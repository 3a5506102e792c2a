"""Emergencies first: does a message say that life or health is in danger right now?

A deterministic layer in front of everything else (the NLU component `kari.nlu.emergency` turns a hit
into the intent `emergency`, whatever the classifier said). Patterns are written over folded text
(`textnorm.fold`: lower case, å→a, ø→o, æ→ae), in Nynorsk, Bokmål, Sunnmøre dialect and English.

Strong patterns describe an acute situation ("puster ikkje", "det brenn", "vil ta livet mitt") and
always count. Weak ones name something that may be acute or may be history or a course
("hjerteinfarkt", "slag", "innbrot", "sjølvmord"): they count only when nothing in the message says it
is past, planned or about a service (kurs, i fjor, batteri …).

The numbers are the national emergency numbers, in code on purpose: this reply must work even when
the knowledge base cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kari.knowledge.textnorm import fold

# The NLU's mark on a message that reads like an emergency though no pattern below matched
# (kari.nlu.alarm): a key of Rasa's parse data, so of the tracker's latest message too.
ALARM, LIKELY = "kari_alarm", "likely"

# Category → the numbers to give, most important first.
NUMBERS = {
    "medical": ("113",),
    "fire": ("110",),
    "police": ("112",),
    "suicide": ("113", "116 123"),
    "child": ("112", "116 111"),
}


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# A boat in distress: the ambulance's 113 and the police's 112 (the rescue centre) both fit.
_BOAT = r"\bbaten (?:\w+ )?(?:sokk|synker|soekk)|\b(?:tar|tek) inn (?:vann|vatn)|\bsinking\b"

# Phrases that name a danger without being one: a history ("hadde hjartestans i 2019", "huset brann
# ned i mars") or a figure of speech ("drukne i papir", "fekk nesten hjarteinfarkt av rekninga"). They
# are cut out before the patterns read the message, so the rest of the message still counts.
FIGURES = _any(
    r"\b(?:hadde|hatt|overlevde|overlevd|survived|had) (?:ein |en |et |eit |a )?(?:hjartestans|hjertestans|cardiac arrest)",
    r"\b(?:brann|brant|brende|burned|burnt) ned\b",
    r"\bdrukn\w* i (?:papir\w*|arbeid|jobb|skjema\w*|lekser|leksar|e ?post\w*|mail\w*|gjeld|rekning\w*|regning\w*|work|paperwork)",
    r"\bnesten (?:eit |et |ett |a )?(?:hjarteinfarkt|hjerteinfarkt|heart attack|slag)",
)

STRONG: dict[str, re.Pattern[str]] = {
    "medical": _any(
        # breathing
        r"\b(?:pust[a-z0-9]*|pusta|andar|andes|puste)\s+(?:\w+\s+){0,2}(?:ikkje|ikke|itte|ittje|ikkj|inkje|not|no longer)\b",
        r"\b(?:ikkje|ikke|itte|ittje|ikkj|inkje|not|no longer)\s+(?:\w+\s+){0,2}(?:puste|pust[a-z0-9]*|andast|breathe|breathing)\b",
        r"\b(?:slutt(?:a|et)|stoppa|stoppet|sluttar) (?:\w+ )?(?:a |med a )?pust",
        r"\b(?:klarer|klarar|klare|greier|greie|far|faar|kan) (?:ikkje|ikke|itte|ittje) (?:\w+ )?puste",
        r"\bnot breathing|\bisn'?t breathing|\bwasn'?t breathing|\bstopped breathing|\b(?:dont|don'?t) want to be alive|\bcan'?t breathe|\bcannot breathe|\bchoking\b",
        r"\bkvel(?:es|ast|st|jast|jes|er|e)\b|\bsatt(?:e)? fast i halsen|\bsett fast i halsen",
        r"\bblatt i (?:ansiktet|leppene)|\bblaa? i leppene|\bblue lips",
        # unconscious
        r"\bbevi\w*lo[sy]|\bbevi\w*laus|\bligg\w* (?:\w+ )?skadd?|\bskadd og blo|\bmedvit(?:s)?laus|\bmedvetslo|\bmedvitslo|\bunconscious|\bpassed out|\bbesvim|\bsvimt? av|\bdana\b|\bdaana",
        r"\b(?:vakn[a-z0-9]*|vakne|vaakn[a-z0-9]*|vakn|reager[a-z0-9]*|svar(?:ar|er|te|a|e)) (?:\w+ )?(?:ikkje|ikke|itte|ittje|ikkj|inkje|not|no longer)\b",
        r"\b(?:ikkje|ikke|itte|ittje|ikkj|inkje|not|no longer) (?:vakn[a-z0-9]*|vakne|reager[a-z0-9]*|responding|waking up|wake up)\b",
        r"\bwon'?t wake|\bnot responding|\bunresponsive|\blivl[ao]s|\bligg(?:er)? livl",
        # chest, heart, stroke
        r"\b(?:vondt|vont|smert[a-z0-9]*|trykk|press|sting) (?:\w+ )?(?:i|for|over) (?:brystet|bringa|bryst|brost|broste|brostet|hjertet|hjarta)",
        r"\bbrystsmert|\bchest pains?\b|\bheart attack (?:now|right now)|\bhaving a heart attack",
        r"\bmunn(?:en|vik\w*)? (?:\w+ )?(?:heng|henger|henge|hang)|\bhengande munnvik|\bhenger i munnvik|\bmunnviken heng|\bmunnvika heng|\bskei?v i (?:ansiktet|fjeset|andletet)|\bskjev i (?:ansiktet|fjeset)",
        r"\bface (?:is )?drooping|\bdrooping face|\bslurred speech|\bsnovl|\bsludd(?:r|er)",
        r"\b(?:klarer|klarar|greier|kan) (?:ikkje|ikke|itte) (?:a )?(?:snakke|prate|lofte armen|bevege)",
        # bleeding, poisoning, overdose
        r"\bblo(?:r|de|dde)? (?:\w+ )?(?:mykje|mye|masse|kraftig|voldsomt|valdsamt|veldig|sa mykje|sa mye)|\bbleeding (?:heavily|a lot|badly)|\bheavy bleeding|\bwon'?t stop bleeding",
        r"\bblo(?:r|de)? og blo|\bblo\w*\b.{0,40}\bstopp(?:ar|er|e)? (?:ikkje|ikke|itte)|\bblod(?:et)? (?:\w+ )?(?:sprutar|spruter|stoppar ikkje|stopper ikke|slutt(?:ar|er) ikkje)|\bbloding som ikk",
        r"\b(?:drakk|drukke|drikke|drukket|svelg[a-z0-9]*|svelgde|spiste|eten|fekk i seg|fikk i seg|swallowed|drank|ate)\b.{0,40}\b(?:oppvask|vaskemiddel|klor[a-z0-9]*|rensemid|rense|lampeolje|parafin|tabletter|tablettar|piller|pillar|medisin[a-z0-9]*|sovetablett|paracet|bleach|pills|detergent|rottegift|gift|lut|white spirit|tennveske|tennvaeske|batteri)",
        r"\b(?:ta|tok|tatt|teke|took|taken|svelgt|svelga|swallowed) (?:[1-9][0-9]+) (?:\w+ )?(?:paracet|ibux|tablett|pill|sovetablett)",
        r"\bforgift(?:a|et)\b|\bpoisoned\b|\btatt (?:ein |en )?overdos|\boverdos\w* (?:no|na)\b|\bfor mange (?:tabletter|tablettar|piller|pillar)",
        # seizure, allergy, drowning, cold, accident
        r"\bkramp(?:ar|er|e)\b|\bseizure|\bfits?\b.{0,20}\bnow|\bepileptisk anfall",
        r"\banafylak|\bhovn(?:ar|er|a|et) opp i (?:halsen|tunga|munnen)|\bthroat (?:is )?swelling|\bthroat closing",
        r"\bdrukn(?:ar|er) (?:no|na)\b|\bheld pa a drukne|\bholder pa a drukne|\bis drowning|\bdrowning\b|\b(?:datt|falt|fall|fell|ramla|ramlet) (?:\w+ )?(?:i|uti|ut i|into|in) (?:sjoen|vatnet|vannet|havet|elva|the water|the sea)",
        r"\bunder vatnet|\bunder vannet|\bhypoterm|\bnedkjol",
        r"\bror(?:er|ar)? seg (?:ikkje|ikke|itte)|\bisn'?t moving|\bnot moving|\bskum\w* (?:rundt|i|fra|fraa) munnen",
        r"\b(?:trafikkulykke|bilulykke|\w*ulykke|\w*ulukke|kollisjon|car accident|crash(?:ed)?)\b.{0,60}\b(?:skada|skadd|skadet|blo|blod|ligg|ligger|bevisst|injured|hurt|bleeding|fast)",
        r"\bpakjor|\bpakoyr|\bhit by a car|\bkjort ned|\bkoyrd ned",
        r"\b(?:ring|ringe|ringje|treng|trenger|trengs|send|call|need|get) (?:\w+ )?(?:ambulanse|ambulansen|an ambulance|ambulance)",
        r"\b(?:finn|finner|find|kjenner|kjenne)\w* (?:ikkje|ikke|itte|no|a)? ?(?:\w+ )?puls|\bno pulse|\bbevisstlaus|\bkontaktbar",
        r"\b(?:heng|henger|rar) i (?:ansiktet|andletet|fjeset)|\barm(?:en)? (?:\w+ ){0,2}lam\b|\bgra i (?:ansiktet|andletet|fjeset)",
        r"\b(?:far|fekk|fikk|klarer|klarar|greier) (?:plutseleg |plutselig )?(?:ikkje|ikke|itte) (?:til a |a )?snakk|\bprat(?:e|ar|er) (?:ikkje|ikke|itte)\b|\bsnakk\w* utydel",
        r"\bsprut\w* blod|\bpust\w* (?:veldig |so |sa |heilt |nesten )?(?:svakt|sakte|rart|darleg|darlig|tungt|ikkje|ikke|itte)|\bpiper nar (?:han|ho|hun) pust",
        r"\b(?:tatt|tok|teke|tek|tar|ete|ett|spist|spiste|svelgt|drokke|drukke|drukket)\b.{0,25}\b(?:ein heil|en hel|ei heil|heile|hele|masse|mange|alle|for mykje|for mye)\b",
        r"\b(?:ete|ett|spist|spiste|svelgt|svelga|svelget|drokke|drukke|drukket|drakk|drank)\b.{0,25}(?:tablett|pill|paracet|klorin|vaskeskap|vaskemiddel|rengjer|cleaning|sopp)|\b(?:tatt|teke) no(?:ko|e|kka) og (?:er|e|pust)",
        r"\bsopp\b.{0,50}(?:darleg|darlig|kjempedarlig|forvirr|kast\w* opp)|\blukt\w* gass.{0,40}(?:svimmel|kast\w* opp|besvim)",
        r"\bkramp\w* (?:no|na|naa)\b|\bhar (?:\w+ )?kramp\w* og|\b(?:ligg|ligger) (?:og )?(?:rykk|ristar|rister)|\bskum i munnen|\ballergisk reaksjon|\bhovn\w* (?:\w+ ){0,2}(?:halsen|tunga|ansiktet)|\bhalsen hovn|\bfast i halsen",
        r"\b(?:falle|falt|datt|fall)\b (?:\w+ )?(?:i|uti|ut i) (?:vatnet|vannet|sjoen|elva)|\bkjem (?:ikkje|itte) opp\b|\bkommer ikke opp\b",
        _BOAT,
        r"\biskald|\bkald og pust",
        r"\b(?:hjelp|help)\b.{0,20}\b(?:doyr|dor|dying)\b|\b(?:han|ho|hun|someone|he|she) (?:\w+ )?(?:doyr|is dying)\b|\bkom fort\b|\b(?:alvorleg|alvorlig|hardt) skad",
        r"\bbeveg\w* seg (?:ikkje|ikke|itte)|\bfal[lt]\w* (?:fra|fraa|ut av|ut fra|ut) (?:\w+ )?(?:vindauget|vinduet|taket)|\bfal[lt]\w* ned trapp",
        r"\b(?:raka|fekk|fikk|fatt) (?:av )?(?:straum|strom)\b|\belectrocut|\b(?:slo|slatt) (?:hovudet|hodet|hauet)\b.{0,40}(?:borte|kontakt|svar|bevisst|kast)",
        r"\b(?:er|e) heilt borte\b|\bcleaning fluid|\bbleach|\bkaldsvett|\bbla rundt munnen|\bligg(?:er)? (?:berre |bare )?(?:der|stille)\b.{0,60}\bsvar",
        r"\bblo(?:r|de)?\b.{0,30}(?:ukontroll|fosse|overalt|everywhere)|\bfosse\w* blod|\bblood everywhere|\bblod (?:fra|fraa|fra) (?:oret|nesa|munnen)",
        r"\barmen heng|\bikkje kjenner (?:\w+ ){0,2}arm|\bdatt om kull|\bsegna om|\bseig saman|\btok seg til brystet",
        r"\bto?k (?:ein |en )?overdos|\btung i pusten|\brallar|\bralling|\bhovn\w* (?:\w+ ){0,3}(?:fjeset|ansiktet|halsen)",
        r"\bi halsen\b.{0,20}(?:bla|pust|luft|hjelp)|\bfast (?:i halsen|maten)",
        r"\bkald (?:som is|og vat)|\bslutt(?:et|a) a skjelve|\bfreezing\b|\bkantr(?:a|et)|\bcapsiz|\bkom ikkje opp|\bgikk under",
        r"\bikkje vaa?ken|\b(?:far|fa|fekk|fikk) ikkje kontakt|\bknapp\w*celle|\bbutton batter",
        r"\b(?:drink|drank|swallow\w*) (?:the |some )?\w*\s?(?:liquid|fluid|bleach|pills|detergent|batter)",
        r"\b(?:koyrde|kjorte|kjort|koyrt|went|gikk|gjekk) (?:av|off|utfor) (?:vegen|veien|the road)",
        r"\bhjartestans|\bhjertestans|\bcardiac arrest|\b(?:eg|jeg|vi|e|me) (?:gjer|gjor|driv|held pa med|holder pa med|har starta|har startet) (?:\w+ )?(?:hlr|hjerte-lunge|hjarte-lunge)",
        r"\bcollapsed|\bfainted|\bfreezing cold|\btrapped in|\bnot answering me",
        # landslides and avalanches that took something; stings and bites that swell the throat
        r"^\W*(?:skred|snoskred|jordskred|jordras|steinras|leirskred|ras)\W*$|\b(?:skred|skredet|snoskred|snoskredet|jordras|jordraset|jordskred|jordskredet|steinras|steinraset|leirskred|leirskredet|raset|avalanche|landslide)\b.{0,60}\b(?:tok|tatt|teke|gatt|gjekk|gikk|over|under|begravd|begravet|fanga|fanget|inne|borte|buried|hit|took)\b",
        r"\b(?:stikk|stukke\w*|stakk|bitt|biten|beit|stung|bitten)\b.{0,40}\b(?:halsen|hals|tunga|tunge|svelg\w*|pust\w*|throat|tongue)\b|\bhoggorm\w*\b.{0,80}\b(?:hoven|hovn\w*|svim\w*|kvalm\w*|bla|kast\w* opp|darleg|darlig)",
        r"\b(?:ligg|ligger)\b.{0,40}\b(?:golv\w*|gulv\w*|bakken)\b.{0,60}\b(?:seier|seie|sei|sier) ikkje (?:noko|noe|nakka|nokka|nokke|eit ord|et ord)",
    ),
    "fire": _any(
        r"\bdet brenn|\bdet brenner|\bbrenn(?:er)? (?:i|pa|opp) |\bbrann i (?:huset|leiligheita|leiligheten|bygget|kjokkenet|garasjen|skogen|bilen|naboen|hytta)",
        r"\bflamm(?:ar|er|ene|ane)\b|\bstar i brann|\bstaar i brann|\bstar i flammer|\bon fire|\bthere'?s a fire|\bthere is a fire|\bfire in (?:the|my|our)",
        r"\broy?k (?:\w+ )?(?:kjem|kommer|velt|siv|ut av|overalt|fra|fraa|fra)|\bsmoke (?:is )?(?:coming|everywhere|pouring)|\bfull av roy?k",
        r"\b(?:skog|gras|gres|lyng|hus|bil|pipe)brann|\blukt\w* (?:sterkt )?(?:av )?gass|\bsmell(?:s)? (?:of )?gas|\broy?k (?:i|ut av) (?:trapp|leil|huset|vindu|blokk)",
        r"\bbrann!|\bbrann\s*$|^\s*brann\b",
        r"\b(?:tok|tatt|teke|tek|tar) fyr\b|\bcaught fire\b|\bis burning\b",
    ),
    "police": _any(
        r"\bslar (?:meg|henne|han|ho|mora|mamma|mor|kona|barna|ungane|borna)|\bbanka (?:meg|opp)|\bhitting (?:me|her|him)|\bbeating",
        r"\btru(?:ar|er|a|et|ga|gar|gjer) (?:med a |a )?(?:drepe|slaa|sla|skade|knivstikke|skyte)|\bthreaten\w* to (?:kill|hurt)|\bkill (?:me|her|him)\b|\bdrepe (?:meg|henne|han|ho|oss)",
        r"\b(?:med|har|held|holder|truar|truer|viftar|vifter) (?:ein |en |a )?(?:kniv|knife|vapen|pistol|gevaer|gun|oks)\b|\bstukke?n? (?:med )?kniv|\bknivstikk|\bstabbed",
        r"\bbryte?(?:r|ar)? seg inn|\bbryt\w* opp (?:\w+ )?(?:dora|doren|doer|door|vindauget|vinduet)|\bbraut seg inn|\bbrot seg inn|\bbreaking in|\bbroke in|\bsomeone (?:is )?in (?:my|the) house|\bnokon (?:er|e) inne i|\bnoen (?:er|e) inne i|\binnbrot (?:no|na|akkurat)\b|\binnbrudd (?:na|naa|akkurat)\b",
        r"\bsla(?:r)? meg\b|\bslass\w*|\bslasskamp|\bligg (?:nede )?og blo|\btru(?:ar|er|gar|ga|a) meg\b|\bdrar (?:eit|et|a) (?:barn|child)",
        r"\bhoy?r(?:er|e)? (?:nokon|noen|naken|nakken|nakon|someone)\b.{0,20}\b(?:inne|i huset|i kjellaren|i kjelleren|in the house)|\bsomeone (?:is )?in (?:the|my) (?:house|basement)",
        r"\b(?:ungen|barnet|sonen|dottera|datteren|gutten|jenta|veslejenta|my (?:child|son|daughter|kid))\b (?:min |mi |mitt )?(?:er|e|is) (?:borte|missing|gone)\b|\bfinn(?:er)? (?:ikkje|ikke|itte) (?:ungen|barnet|henne|han|ho)\b",
        r"\bdemen[st]\w*\b.{0,80}\b(?:borte|vekke|ute|gatt ut|gatt \w+ bort|finn\w* (?:henne|han|ho)|kulda|kaldt|minus|natt|sno|nattkjole|walked|missing|cant find|cannot find)|\b(?:borte|ute i kulda)\b.{0,40}\bdemen|\bcan'?t find (?:her|him|my)\b|\bcannot find (?:her|him|my)\b",
        r"\bfastklemt|\bklemt fast|\b(?:koyrt|kjort) (?:av vegen|av veien|i grofta)|\bsavn\w*.{0,40}\b(?:fjellet|uver|uvaer|sjoen)",
        r"\bslar (?:\w+ ){0,3}(?:kjerringa|kona|kjaeresten|gut|gutt|jente|barn|ungen)|\bbanke opp|\bhitting (?:his|her|a|the)",
        r"\b(?:skal|ska|kjem til a|kommer til a) (?:\w+ ){0,3}(?:skade|ta|drepe) meg\b|\bprov\w* a (?:apne|opne) (?:\w+ )?(?:dora|ytterdora|doren|ytterdoren)",
        r"\b(?:gevaer|vapen|pistol|gun|kniv)\b.{0,20}\b(?:ved|ve|pa|at) (?:skulen|skolen|school|torget|senteret)",
        r"\b(?:borte|finn\w* ikkje|cant find|lost)\b.{0,100}(?:morkt|dark|kjopesenter|stranda|sentrum|harbour|hamna)|\b(?:er|e|is) ikkje (?:heime|hjemme)\b.{0,40}(?:klokka|kveld|natt|morkt)|\blost my (?:little |)(?:girl|boy|son|daughter|child|kid)",
        r"\bnokon (?:\w+ )?inne i huset|\bdriver is stuck",
        r"\bfinn\w* (?:ikkje|ikke|itte) (?:\w+ )?(?:dottera|datteren|dotter|datter|sonen|sonnen|son|guten|gutten|jenta|ungen|ongen|onga|barnet|babyen|veslejenta|vesleguten|lillebror|veslebror|lillesoster|veslesyster)\b",
        r"\b(?:roper|ropar|ropte|skrik|skrikar|skriker|skreik|skrek) (?:\w+ )?(?:om|etter|pa) hjelp|\b(?:screaming|shouting|yelling|crying) for help",
        r"\bytterst pa (?:taket|kanten|brua|broa|stupet|kaia)|\bpa kanten av (?:taket|brua|broa|stupet)|\bon the edge of (?:the )?(?:roof|bridge|cliff)",
        _BOAT,
        r"\bforfolg(?:er|jer|je|ja) meg|\bfolg(?:er|jer) etter meg|\bstalking|\bfolgt etter meg",
        r"\bvald (?:no|na)\b|\bvold (?:na|naa)\b|\bvaldtekt|\bvoldtekt|\braped?\b|\bassault",
        r"\b(?:gatt|gaatt|gjekk|gikk|vandra|vandret|rota|rotet) (?:seg )?(?:bort|vekk)|\bforsvunne|\bforsvunnet|\bkjem ikkje heim|\bkommer ikke hjem|\b(?:mum|mom|dad|mother|father|son|daughter|wife|husband|grandma|grandpa|child|he|she)\b.{0,30}\bmissing\b|\bsavn(?:a|et)\b.{0,40}\b(?:kulda|ute|natt|demens|sno|mork|morket|dark|cold)",
        r"\bberusa (?:sjafor|sjaafor)|\bfull (?:sjafor|sjaafor)|\bdrunk driver",
        r"\b(?:full|fuller|beruset|berusa|ruspaverka|ruspavirket|drunk)\b.{0,30}\b(?:bak rattet|koyrer|kjorer|kjore|koyre|driving|drove off|satt seg i bilen|sette seg i bilen)",
    ),
    "suicide": _any(
        r"\b(?:vil|skal|ska|kjem til a|kommer til a|tenkj?er pa a|lyst til a|planlegg(?:er)? a|bestemt meg for a) (?:\w+ )?ta livet|\bta livet mitt|\bkill (?:myself|himself|herself)|\bend (?:my|his|her) life|\bend it all",
        r"\bvil (?:berre |bare |helst )?(?:do|doy|doe|daue|doy)\b|\bwant to die|\bwanna die|\bonsk(?:er|jer) (?:a )?(?:do|doy)",
        r"\b(?:orkar|orker|gidd(?:er|ar)|klarer|klarar|vil) (?:ikkje|ikke|itte) (?:a )?(?:leve|lev|vere her|vaere her)|\bikkje (?:vere|vaere) her lenger|\bikke (?:vaere|vere) her lenger",
        r"\b(?:forsvinne|forsvinn) for (?:godt|alltid)|\bingen vil (?:sakne|savne) meg|\bingen (?:vits|vitsa|grunn) (?:i |med )?a leve|\bno reason to live|\bnot worth living",
        r"\bskade meg (?:sjolv|selv)|\bkutt(?:e|a|er|ar) meg\b|\bskjer(?:e|a)? (?:i )?meg|\bself[- ]?harm|\bhurt myself|\bcut myself",
        r"\bhenge meg|\bhoppe (?:fra|fraa|fra) (?:brua|broa|taket)|\bjump off",
        r"\b(?:tablett|pill|piller)\w* (?:\w+ ){0,2}klar|\b(?:vil|skal|tenkjer a|tenker a|going to) (?:hoppe|jump)\b|\bskor(?:e|et)? meg|\bskaret meg",
        r"\bvits (?:i|med) (?:a )?lev|\bingen vits med \w+ lenger|\bno point (?:in )?living|\b(?:betre|bedre) (?:utan|uten) meg|\bbetter off without me",
        r"\b(?:dont|don't|do not) want to live|\bwant to disappear|\bnobody would miss me|\bork\w* (?:eg |jeg |e )?(?:ikkje|ikke|itte) (?:meir|mer)\b.{0,80}(?:pill|tablett)",
        r"\bavskil\w*brev|\bavskjed\w*brev|\bsuicide note|\bavslutt\w* alt|\bgjo?r\w* slutt pa (?:alt|livet)|\bgjere slutt pa",
        r"\b(?:ikkje|ikke|itte) vil (?:vere|vaere|leve)\b|\bork\w* (?:ikkje|ikke|itte) (?:a )?vakne|\bvil (?:berre|bare) forsvinne|\bingen (?:\w+ ){0,3}(?:sakne|savne) meg",
        r"\bgje opp alt|\bgi opp alt|\bmeg meir etter i (?:natt|kveld)|\btenkje pa meg meir|\bafter tonight|\bgitt bort (?:tinga|tingene|katten|hunden|alt)",
        r"\bbrev til alle|\btau\b.{0,20}\b(?:klart|klar|garasjen|ready)|\bsaml\w* opp (?:\w+ )?(?:pill|tablett)|\bpoeng lenger|\b(?:betre|bedre) om eg|\bgoodbye forever|\bfarvel\b",
        r"\bikkje (?:er|e) her i morg|\bbestemt meg for korleis|\bkorleis eg skal gjere det|\bkutt(?:e|a|er|ar|et) meg\b|\bskad\w* meg (?:selv|sjolv)",
        r"\bsnakkar om a ta livet|\bsnakker om a ta livet",
        r"\bsove for alltid|\bslippe a vakne|\b(?:aldri|ikkje) vakne (?:att|igjen|meir|mer)\b|\bsleep forever|\bnever wake up",
    ),
    "child": _any(
        r"\b(?:barn|barnet|ungen|ungane|ungar|unger|borna|bonna|bynn|child|kid|kids|baby|babyen|jenta|guten|gutten)\b.{0,40}\b(?:blir slatt|vert slatt|blir slegen|mishandl|misbrukt|overgrep|i fare|in danger|being hurt|being beaten|aleine heime|alene hjemme)",
        r"\b(?:slar|sparkar|sparker|rister|ristar|mishandl(?:ar|er)) (?:\w+ )?(?:barnet|ungen|babyen|borna|barna|ungane|the child|the baby|my child)",
        r"\b(?:unge|ungen|barn|barnet|baby)\w* (?:\w+ ){0,3}(?:aleine|alene) (?:\w+ ){0,2}(?:ute|langs|i kulda|i morket|in the cold)",
        r"\b(?:ungen|ongen|barnet|barn)\b.{0,40}\bskrik\w*.{0,40}\bsla[rg]\b|\bskrik\w* (?:pa )?(?:barnet|ungen|ongen)\b.{0,20}\bsla[rg]\b|\bhoy?r(?:er|e)? slag\b",
        r"\bbarn i fare|\bchild in danger|\bshaking the baby",
    ),
}

# Words that name a possible emergency but also a history, a course or a service.
WEAK: dict[str, re.Pattern[str]] = {
    "medical": _any(
        r"kramp|\banfall\b|\bdrukn|\bdrown|\boverdos|\bgjennom isen|\bthrough the ice|\bhjarteinfarkt|\bhjerteinfarkt|\bheart attack|\bslag\b|\bstroke\b|\bhjerneslag|\bhjerneblodning|\bblodpropp|\binfarkt"
    ),
    "fire": _any(r"gasslekk|\bgas leak|\bbrann\b|\bbrenn(?:er)?\b|\bfire\b|\broy?k\b|\bsmoke\b"),
    "police": _any(
        r"\bkniv|\bknife|\bvapen|\bpistol|\bgun\b|\bskyt(?:e|er|ar)\b|\binnbrot|\binnbrudd|\bburglar|\bvald\b|\bvold\b|\bviolence|\btrug(?:sel|sle)|\btrussel|\btrusler"
    ),
    "suicide": _any(
        r"\bta livet|\btek livet|\btar livet|\bork(?:ar|er|e) (?:ikkje|ikke|itte) (?:meir|mer)(?:\s*[.!]*\s*$|\s+(?:no|na|eg|jeg|e|i|og)\b)|\bgir opp alt|\bhar ingen vits|\bsjolvmord|\bselvmord|\bsuicid|\btok sitt (?:eige |eget )?liv"
    ),
}
# Context that makes a weak word calm: past, a course, a plan, a device, a service.
CALM = _any(
    r"\bi fjor|\bi fjora|\bsidan|\bsiden|\bfor (?:\w+ )?(?:ar|aar|veker|uker|manader|maneder|dagar|dager) sidan|\bsist (?:manad|maned|veke|uke|ar)|\blast (?:year|month|week)|\bago\b|\btidlegare|\btidligere|\bhadde\b|\bhad\b|\bhatt\b|\better (?:hjarteinfarktet|hjerteinfarktet|slaget|brannen|innbrotet|innbruddet)",
    r"kurs|forebygg|\bovelse|\b1[0-9]{3}\b|\b20[0-9]{2}\b|\bdokumentar|\bomvisning|\bhistori|\bhar vore\b|\bhar vaert\b|\bmange\b|\bplan\b|\btilbod|\btilbud|\boppgave|\brutine|\bspill|\bholdt pa a fa|\bheld pa a fa|\bredd for|\bhindre|\bbadeplass|\bko(?:en)?\b|\btelefonko|\bovinga|\bovelsen|\bdrill|\bcourse|\bprevention|\bkampanje",
    r"\bi (?:januar|februar|mars|april|juni|juli|august|september|oktober|november|desember)\b|\bchimney",
    r"batteri|brannalarm|roy?kvarsl|\bsmoke alarm|\bfire alarm|\bslokkeapparat|\bbrannslukk|\bfeiing|\bfeiar|\bfeier|\bpipe|\beldstad|\bildsted|\bbrannvern|\bbrannstasjon|\bbrannvesen",
    r"forsikring|\binsurance|\banmeld|\bsikr(?:e|er|ar)\b|\bhandlingsplan|\bopplevde|\bfilm|\bsymptom|\btegn(?:a|ene)? pa|\bteikn(?:a)? pa|\bgenerelt|\bhvordan gjor man|\bkorleis gjer ein|\bregn\b|\bmandag|\betterlatt|\bparorande|\bparorende|\better (?:eit |et )?(?:sjolvmord|selvmord|hjerteinfarkt|hjarteinfarkt)|\bmelde (?:eit|et)|\brapport",
    r"\bheimehjelp|\bhjemmehjelp|\bsjukeheim|\bsykehjem|\brehabilitering|\bavlast|\btryggleiksalarm|\btrygghetsalarm|\bsoknad|\bsoke|\bsokje|\bapply",
    r"\bbarnevern|\bhelsestasjon|\bfastlege|\bvaksine|\bkva kostar|\bhva koster|\bopningstid|\bapningstid|\bnummer til|\bnummeret til",
)

# A strong word in a message framed as not happening now: a course or a study, a year ago, "just in
# case". The reply still opens with the emergency numbers, then answers what was asked ("har kommunen kurs
# i hjarte-lunge-redning?"), instead of giving the numbers alone. Minutes and hours ago stay acute, and so
# does a message that says "now" ("mor hadde hjartestans i fjor, no pustar ho ikkje").
FRAMED = _any(
    r"\bkurs|\bopplaering|\bstudent|\bsimuler|\bforelesning|\bpensum",
    r"\bfor (?:\w+ )?(?:ar|aar|manader|maneder|manad|maned|veker|uker) (?:sidan|siden)|\bi fjor\b|\b(?:19|20)[0-9]{2}\b|\byears? ago",
    r"\bi tilfelle\b|\bnysgjerrig|\bin case\b|\bcurious|\bom ein (?:far|faar)\b|\bhvis (?:man|en|noen) (?:far|faar)\b|\bdersom (?:nokon|noen|ein|en)\b",
)
NOW = _any(r"\b(?:no|na|naa|now|akkurat|i dag|i kveld|i natt|tonight)\b")

# Spoken forms written down (Sunnmøre, Bokmål) → one form, so one pattern covers them.
_SAME = {
    "mae": "meg",
    "sae": "seg",
    "dae": "deg",
    "kje": "ikkje",
    "itte": "ikkje",
    "ittje": "ikkje",
    "ikke": "ikkje",
    "ikkj": "ikkje",
    "naken": "nokon",
    "nakken": "nokon",
    "nokken": "nokon",
    "noen": "nokon",
    "nakon": "nokon",
    "nakan": "nokon",
    "hann": "han",
    "huse": "huset",
}
_WORD = re.compile(r"[a-z0-9']+")


def _normalise(text: str) -> str:
    return _WORD.sub(lambda m: _SAME.get(m.group(0), m.group(0)), fold(text or "")[:2000])


@dataclass(frozen=True)
class Alarm:
    categories: tuple[str, ...]  # most urgent first
    framed: bool = False  # told as past, a course or "just in case" (FRAMED): numbers first, then the answer

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for c in self.categories for n in NUMBERS[c]))


ORDER = ("medical", "suicide", "fire", "police", "child")


def detect(text: str) -> Alarm | None:
    """The emergency a message describes, or None. Deterministic; no knowledge base needed."""
    folded = FIGURES.sub(" ", _normalise(text))
    found = {c for c, pattern in STRONG.items() if pattern.search(folded)}
    if not found and not CALM.search(folded):
        found = {c for c, pattern in WEAK.items() if pattern.search(folded)}
    if not found:
        return None
    framed = FRAMED.search(folded) is not None and NOW.search(folded) is None
    return Alarm(tuple(c for c in ORDER if c in found), framed=framed)
