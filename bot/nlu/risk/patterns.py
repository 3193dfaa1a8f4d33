"""The rule layer's vocabulary: what texting youth actually write when they are in danger.

Patterns use a small phrase syntax compiled to spaCy Matcher token patterns (see
bot/nlu/risk/rules.py):
  word        matches the word or any inflection of it (by lookup lemma)
  a|b|c       any of the alternatives
  word?       optional
  =word       exactly this word (no inflections): "=sold" does not match "selling"
  *           up to three words of anything
  PERSON      someone who could hurt or exploit: he, she, they, someone, boyfriend, ...
  PARTNER     a partner or a man controlling them: he, boyfriend, girlfriend, ex, pimp, ...
  FAMILY      a parent or caregiver: mom, dad, stepdad, foster mom, staff, ...
  CARER       FAMILY without siblings and cousins
  SIBLING     brother, sister, cousin
  ME          me, myself
  NUM         a number ("took like 20 pills")
  VICTIM      me, her, him, them, us, my friend, ...
Messages are normalised first (texting spellings: wont, kms, rn, bf, ...: see NORMALISE).

Grounding: seed III.A (sex traded for money, food, shelter, drugs), V.A (suicide attempts,
self-destructive behaviour), V.B (branding tattoos; exit is the most dangerous time),
VI (moved between counties), Appendix 1 (power and control), and the issue's slang list.
"""

from __future__ import annotations

from dataclasses import dataclass

from harbor.core.risk_levels import (  # noqa: F401  (re-exported: the patterns below are written in them)
    ABUSE,
    CATEGORIES,
    CONCERN,
    EXPLOITATION,
    HIGH,
    IMMINENT,
    IMMINENT_DANGER,
    NONE,
    SELF_HARM,
    THIRD_PARTY,
)

# Texting spellings rewritten before matching (whole words only, lower case).
NORMALISE = {
    "wont": "won't", "cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't",
    "wouldnt": "wouldn't", "isnt": "isn't", "aint": "ain't", "im": "i'm", "ive": "i've",
    "ill": "i'll", "id": "id", "hes": "he's", "shes": "she's", "theyre": "they're",
    "gonna": "going to", "gunna": "going to", "finna": "going to", "ima": "i'm going to",
    "imma": "i'm going to", "wanna": "want to", "tryna": "trying to", "gotta": "got to",
    "kms": "kill myself", "kmslf": "kill myself",
    "bf": "boyfriend", "u": "you", "ur": "your", "r": "are", "rn": "right now", "tn": "tonight",
    "tonite": "tonight", "pls": "please", "plz": "please", "ppl": "people", "cuz": "because",
    "bc": "because", "w": "with", "wit": "with", "tho": "though", "nite": "night",
    "bcuz": "because", "abt": "about", "sumn": "something", "smth": "something", "fr": "for real",
    "od": "overdose", "oding": "overdosing",
}

PERSON = ["he", "she", "they", "him", "them", "someone", "somebody", "boyfriend", "man", "guy",
          "dude", "pimp", "daddy", "trafficker", "people", "dudes", "guys", "men"]
FAMILY = ["mom", "mother", "dad", "father", "stepdad", "stepmom", "stepfather", "stepmother",
          "uncle", "aunt", "brother", "cousin", "grandpa", "foster", "staff", "parent", "parents"]
# A partner or a man controlling them, not "someone" or "they" (a privacy question is not a worry).
PARTNER = ["he", "boyfriend", "girlfriend", "gf", "ex", "man", "guy", "dude", "pimp", "daddy"]
SIBLING = ["brother", "sister", "cousin"]  # play-fights happen: their hitting is an ambiguous signal
CARER = [w for w in FAMILY if w not in SIBLING]
ME = ["me", "myself"]
# Words that open a clause of their own: a negation before one of them belongs to another clause.
SUBJECTS = frozenset({"i", "he", "she", "they", "someone", "somebody", "my", "his", "her", "their"})
CLAUSE_WORDS = frozenset({"and", "but", "so", "then", "because", "cuz", "bc", "if", "when", "or"})
VICTIM = ["me", "her", "him", "them", "us", "myself"]
THIRD_PERSON_VICTIMS = {"her", "him", "them", "friend", "sister", "cousin", "girl", "boy", "kid",
                        "daughter", "son", "niece", "nephew", "student", "she", "roommate",
                        "brother", "bestie"}

# "what are the signs ...", "how do i know if ...": caregivers and providers asking in general.
GENERAL_QUESTION_PHRASES = [
    "what are the signs", "what are signs", "warning signs", "red flags", "red flag",
    "how do i know if", "how can i tell if", "how would i know", "how do you know if",
    "how can you tell", "what does", "what is a", "what's a", "what is the", "what counts as",
    "definition of", "is it trafficking if", "how do traffickers", "why do victims",
    "why does she keep", "why do they", "signs that", "signs of", "screening", "what should i look",
    "look out for", "risk factors", "how do pimps", "how many", "how common", "what percentage",
    "how often", "is it true", "can someone be", "hypothetically", "what would", "what happens if",
    "how do i become", "how can i help", "how can i support", "i heard", "statistics", "podcast",
    "documentary", "school report", "for a class",
]

# Laughter and "just kidding": an ambiguous signal beside one is a joke until shown otherwise
# (concern); an explicit statement stays explicit ("i want to kill myself lol" still pages).
JOKE_MARKERS = ["lol", "lmao", "lmfao", "jk", "haha", "hahaha", "lolol", "\U0001F602", "\U0001F923", "\U0001F480"]


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    level: int
    phrases: tuple[str, ...]
    # Explicit: a statement of danger in itself (self-harm intent, a threat to kill or hurt, sexual
    # contact, an overdose, being held or moved against one's will). Nothing else in a message
    # lowers it: not an idiom beside it, not a general question, not the classifier; only a negation,
    # an idiom that is its own words ("kicked me out") or a game right after it makes it concern
    # (bot/nlu/risk/assessment.py). Ambiguous
    # rules ("i'm trapped", "he has a gun", "come get me") may be lowered to concern by context.
    explicit: bool = True


def rule(name: str, category: str, level: int, *phrases: str) -> Rule:
    return Rule(name, category, level, phrases)


def ambiguous(name: str, category: str, level: int, *phrases: str) -> Rule:
    return Rule(name, category, level, phrases, explicit=False)


RULES: list[Rule] = [
    # --- imminent danger: being held, hurt or threatened now ---------------------------
    rule("not_let_leave", IMMINENT_DANGER, IMMINENT,
         "PERSON * will|would|do|does|did not let ME leave|go|out",
         "PERSON * never let ME leave|go", "PERSON * not let|letting ME leave|go",
         "will|would not let ME leave", "not allow to leave", "will not let ME out"),
    ambiguous("cannot_get_out", IMMINENT_DANGER, IMMINENT,
              "can not get out", "can not escape", "so i can not leave|go", "so i can not get out",
              "can not get away from PERSON"),
    rule("locked_in", IMMINENT_DANGER, IMMINENT,
         "lock|locked ME in|inside|up", "be hold|held against my will", "hold|holding ME hostage|captive|prisoner",
         "PERSON * hold|holding|keep|keeping ME here|there|inside|hostage",
         "keep|keeping ME lock|locked up|in", "stuck in his|their room|car|house",
         "PERSON * got|get|have|has ME lock|locked|trap|trapped|tie|tied"),
    ambiguous("trapped", IMMINENT_DANGER, IMMINENT,
              "i be lock|locked in|inside|up", "i be trap|trapped", "i be be|being hold|held"),
    rule("weapon", IMMINENT_DANGER, IMMINENT,
         "PERSON * pull|pulled|point|pointed * gun|knife|weapon", "gun|knife to my head|throat"),
    ambiguous("has_weapon", IMMINENT_DANGER, IMMINENT, "PERSON * have|has|got|get * gun|knife|weapon"),
    rule("death_threat", IMMINENT_DANGER, IMMINENT,
         "PERSON * kill|shoot|stab|strangle|choke ME",
         "PERSON * threaten|threatened * to kill|hurt ME",
         "scared|afraid|fear for my life",
         "PERSON * say|said * i|you die", "PERSON * say|said * i|you will die"),
    ambiguous("might_die", IMMINENT_DANGER, IMMINENT, "think i be go to die"),
    rule("threat_of_harm", IMMINENT_DANGER, HIGH,
         "PERSON * go|going to hurt|beat|hit|rape ME", "PERSON * will hurt|beat|hit|rape ME",
         "PERSON * say|said * hurt|beat|hit ME", "PERSON * be hurting ME", "PERSON * hurt|hurts ME"),
    rule("not_safe", IMMINENT_DANGER, HIGH, "i be not safe", "i do not feel safe"),
    rule("in_danger", IMMINENT_DANGER, HIGH, "i be in danger"),
    ambiguous("not_in_danger", IMMINENT_DANGER, HIGH, "be not in danger"),
    rule("attacked_now", IMMINENT_DANGER, HIGH,
         "please help ME * PERSON", "put|pushed|threw ME in * car|van|truck|trunk",
         "PERSON * threaten|threatening ME", "PERSON * chase|chasing ME", "tie|tied ME up",
         "PERSON * strangle|strangling|choke|choking ME", "PERSON * shoot ME",
         "PERSON * try to grab|snatch|drag|kidnap ME", "PERSON * kidnap|kidnapped|kidnapping ME"),
    ambiguous("come_get_me", IMMINENT_DANGER, HIGH,
              "come get ME", "bang|banging|pound|pounding on the? door|window",
              "hide|hiding from PERSON", "hide|hiding * from PERSON", "grab|grabbed ME",
              "will not open the door", "PERSON * follow|following ME", "PERSON * outside my door|window|room|house"),
    # --- self-harm and suicide ---------------------------------------------------------
    ambiguous("suicide_word", SELF_HARM, HIGH, "suicide", "suicidal"),
    rule("suicide", SELF_HARM, HIGH,
         "i be suicidal", "feel|feeling suicidal",
         "kill myself", "end my life", "unalive", "unaliving", "unalive myself",
         "done with life", "done living", "tired of living",
         "happier|better if i be|was|were dead|gone", "wish i could die",
         "ready to die", "rather be dead", "want it to end", "want it all to end",
         "goodbye letter|note", "suicide note", "except dying", "on the roof * jump", "want to jump off",
         "slit|cut my wrist|wrists", "jump off|from * roof|bridge|building",
         "tonight i die", "going to die tonight", "end it all", "end it tonight",
         "want to die", "want to be dead", "wish i be|was|were dead",
         "take my own life", "better off dead", "better off without me", "disappear forever",
         "hang myself", "jump in front of", "overdose", "od on"),
    ambiguous("suicide_maybe", SELF_HARM, HIGH,
              "no way out", "i be go to die", "can not do this anymore", "end thing|things", "jump off"),
    rule("not_want_to_live", SELF_HARM, HIGH,
         "do not want to live|exist", "do not want to wake up", "do not want to be alive",
         "do not want to be here anymore", "never wake up", "sleep and never wake up", "not exist",
         "want to not exist", "not see a|any way out",
         "not want to be here anymore", "life be not worth", "no reason to live",
         "wish i be|was|were never born"),
    rule("self_injury", SELF_HARM, HIGH,
         "hurt myself", "hurting myself", "burn myself", "take|took|swallow|swallowed * bunch of pills",
         "take|took|swallow|swallowed all my|the pills", "too many pills", "handful of pills",
         "bottle of pills", "take|took|swallow|swallowed * NUM pills",
         "swallow|swallowed * bottle of",
         "take|took * bottle of * pills|meds|medicine|medication|tylenol|advil|ibuprofen|sleeping|xanax|percs",
         "take|took|swallow|swallowed all my|the meds|medicine|medication",
         "too many meds|medicine", "take|took|swallow|swallowed * NUM meds"),
    ambiguous("cutting", SELF_HARM, HIGH, "cut|cutting myself", "be cutting", "cut again", "going to cut"),
    # --- commercial sexual exploitation ------------------------------------------------
    ambiguous("quota", EXPLOITATION, HIGH, "quota", "make|bring|get * NUM * or PERSON|else",
         "bring home * amount", "amount or else", "do|doing this|it for money"),
    ambiguous("the_life", EXPLOITATION, HIGH,
         "in the life", "the track", "the blade", "work the stroll", "on the stroll", "work the street|streets",
         "turn trick|tricks", "trick|tricks for", "do|does|doing date|dates",
         "date|dates for a|an? PERSON", "date|dates for money|cash", "johns", "see|meet * guys|men|clients|customers",
         "go with * guys|men|clients", "from dates", "every dollar i make", "be my daddy|pimp",
         "the clients", "guys|men he set|sets up", "PERSON set|sets ME up with", "a john", "my pimp",
         "his pimp", "her pimp",
         "PERSON * pimp|pimping VICTIM"),
    rule("sold", EXPLOITATION, HIGH,
         "PERSON * sell|selling|sold VICTIM", "i|she|he|they|we|friend|sister be =sold|=pimped",
         # Family selling a child (seed III: familial trafficking): "her cousin sells her on weekends", "my uncle
         # sells me to his friends"; not things ("sells them at the swap meet") or games ("sold me to the other team")
         "FAMILY sell|sells|selling|sold =me|=her|=him to|for * men|guys|man|friend|friends|dudes|people|johns",
         "FAMILY sell|sells|selling|sold =me|=her|=him on the? weekend|weekends",
         "FAMILY sell|sells|selling|sold =me|=her|=him online",
         "be being sold|pimped|trafficked", "be pimped out?", "be trafficked|traffick|trafficking",
         "PERSON * pimp|pimping|sell|selling|sold my? friend|sister|cousin|daughter|niece|brother|son",
         "post|posts|posted ad|ads of VICTIM", "ad|ads of VICTIM", "post VICTIM online",
         "boyfriend|pimp|daddy|trafficker * post|posts|posted ad|ads for VICTIM",
         "post|posts|posted VICTIM on * site|sites|website|websites|app|apps",
         "advertise|advertises|advertised VICTIM", "sold by PERSON", "get|getting sold"),
    ambiguous("controls_money_or_id", EXPLOITATION, HIGH,
         "PERSON * take|took|keep|kept|hold|have|has all? my|her money|id|ids|papers|documents",
         "PERSON * take|took|keep|kept|hold|have|has all? my|her passport|cash",
         "give|hand PERSON all? * money i|she make|makes|made",
         "give|hand over all? my|the money", "give him everything i make",
         "all the money i make", "everything i make"),
    rule("made_to_have_sex", EXPLOITATION, HIGH,
         "make|force VICTIM * have sex", "make|force VICTIM * sleep with",
         "make|force VICTIM * do stuff with", "make|force VICTIM * be with",
         "have to sleep with", "have to have sex with", "sleep with guy|guys|men|man|people for",
         "have sex with guy|guys|men|people"),
    rule("moved_between_cities", EXPLOITATION, HIGH,
         "move|take VICTIM * city|state|town to city|state|town",
         "move|take VICTIM * different|other city|state|town"),
    ambiguous("branded", EXPLOITATION, HIGH,
         "brand|branded", "his name tattooed|tatted", "make|made VICTIM get * tattoo|tat",
         "tattoo|tat of his name", "tattoo|tattooed|tatted his|their name",
         "his|their initials", "tattoo|tattooed|tatted on ME * PERSON"),
    ambiguous("debt_bondage", EXPLOITATION, HIGH,
         "owe PERSON * money", "pay|work off * debt", "owe PERSON and",
         "daddy|pimp|he say|says|said i owe him|them", "work it off"),
    rule("sextortion", EXPLOITATION, HIGH,
         "post|leak|send|share|spread my|her nudes|pics|pictures|videos|photos * unless|if",
         "threaten * nudes|pics|pictures|videos", "unless i|she send|do|sleep"),
    ambiguous("recruitment", EXPLOITATION, HIGH,
         "recruit|recruited", "PERSON * want|wants|say|says|tell|told * work for him",
         "have to work for PERSON", "meet his friend|friends for money"),
    # --- abuse at home or in placement -------------------------------------------------
    rule("physical_abuse", ABUSE, HIGH,
         "CARER * hit|hits|beat|beats|punch|punched|slap|slapped|choke|choked|kick|kicked|hurt|hurts VICTIM",
         "group home|placement * hit|beat|hurt|slap|punch|kick VICTIM", "grab|grabbed my neck|throat",
         "PERSON * hit|hits|beat|beats|beating|punch|punched|slap|slapped|choke|choked|kick|kicked VICTIM"),
    ambiguous("sibling_fight", ABUSE, HIGH,
              "SIBLING * hit|hits|beat|beats|punch|punched|slap|slapped|kick|kicked|hurt|hurts VICTIM"),
    rule("sexual_abuse", ABUSE, HIGH,
         "rape|raped|raping", "molest|molested|molesting", "sexually abuse|abused",
         "FAMILY * touch|touches|touched VICTIM", "PERSON * touch|touches|touched VICTIM",
         "touch|touches|touched|touching ME", "come|comes|came into|in my room at night",
         "burn|burns|burned ME", "abuse|abuses|abused VICTIM", "make|makes|made ME do sexual",
         "sexual thing|things", "lock|locks|locked ME outside",
         "FAMILY * starve|starves|starved ME"),
    ambiguous("neglect", ABUSE, HIGH, "without food"),
    # --- worries, not disclosures: the bot answers, then asks "are you safe right now?" ---------
    # Seed Appendix 1 (power and control): a partner who reads the phone; a placement that is "bad".
    ambiguous("phone_watched", ABUSE, CONCERN,
              "PARTNER go|goes|going through|thru my phone|texts|messages",
              "PARTNER check|checks|checking|read|reads|reading my phone|texts|messages",
              "PARTNER track|tracks|tracking my phone|location",
              "PARTNER always|keeps|keep go|goes|going through|thru my phone|texts|messages",
              "PARTNER always|keeps|keep check|checks|checking|read|reads|reading my phone|texts|messages"),
    ambiguous("bad_at_home", ABUSE, CONCERN,
              "it|its|things be? really|so? bad|horrible|awful|terrible|scary there",
              "it|its|things be? really|so? bad|horrible|awful|terrible|scary at home|placement",
              "it|its|things be? really|so? bad|horrible|awful|terrible|scary at my placement|house",
              "it|its|things be? really|so? bad|horrible|awful|terrible|scary at the group home",
              "it|its|things be? really|so? bad|horrible|awful|terrible|scary at my foster home"),
]

# Combination rule: sex words and exchange words in one message (seed III.A: sex traded
# for money, food, shelter, drugs).
SEX_WORDS = ["sex", "sleep with", "hook up", "hooking up", "do stuff", "stuff with", "dates",
             "things with", "suck", "touch"]
EXCHANGE_WORDS = ["money", "cash", "pay", "paid", "pays", "place to stay", "somewhere to stay", "eat",
                  "a room", "a hotel room", "clothes", "a phone",
                  "a bed", "somewhere to sleep", "place to sleep", "food", "rent", "drugs", "weed",
                  "a ride", "gifts", "let me stay", "lets me stay"]

# Idioms that look like danger and are not. An ambiguous match that lies inside one IS the idiom
# ("this homework is killing me") and is dropped; an ambiguous match next to one drops to concern.
# An explicit match stands, beside an idiom or even inside one: a page too many is the price of
# never silencing "i'm going to kill myself in the shower".
IDIOMS = [
    "is killing me", "are killing me", "'s killing me", "killing me lol", "killing me lmao",
    "dying to", "dying laughing", "i'm dead lol", "i'm dead lmao", "i'm dead 😂",
    "killed it", "kill it", "killing it", "to die for", "would kill for", "kill for a",
    "die of embarrassment", "die of boredom", "die of laughter", "want to die of",
    "could die laughing", "dead tired", "my phone is dying", "phone died", "battery is dying",
    "killed the game", "slay",
    "sales quota", "quota at work", "quota at my job", "work quota", "quota for work",
    "track meet", "track practice", "run track", "track team", "track and field",
    "trapped in this", "trapped in class", "trap music", "vitamin", "vitamins", "birth control",
    "kicked me out", "kick me out", "kicks me out", "pillow", "on instagram", "on insta",
    "on tiktok", "on snap", "on twitter", "follow me on", "followed me on", "follows me on",
    "get me from school", "get me from practice", "get me from work", "get out of bed",
    "life skills", "hit me up", "hits me up", "shaving", "collection", "cooking knife",
    "in the shower", "taking forever", "life guard", "lifeguard", "pick me up", "hit my head",
    "sold on the idea", "sold out", "overdosed on candy", "overdose on candy",
    "overdosed on halloween candy", "overdosed on sugar", "overdose on sugar", "overdosed on caffeine",
    "overdose on caffeine", "overdosed on coffee",
    "kicking me out", "locked in for finals", "locked in for exams", "locked in for the test",
    "run suicides", "running suicides", "ran suicides",
]

# A game named right after a threat or a blow, with nothing between ("he gonna kill me in fortnite",
# "she beat me at chess"): the game's words, not danger. Lowers only these rules' hits, to concern (the bot
# asks if they are safe), and never with urgency words. "on <game>" is not here: a threat made over a
# game's chat is grooming's way in. Nor is "the game": it also means the life.
GAMES = ["fortnite", "valorant", "chess", "uno", "ranked", "call of duty", "cod", "warzone", "minecraft",
         "roblox", "2k", "madden", "fifa", "smash", "overwatch", "apex", "checkers", "monopoly",
         "mario kart", "ping pong", "video games", "a video game", "1v1", "dodgeball", "laser tag"]
GAME_RULES = {"death_threat", "threat_of_harm", "physical_abuse", "sibling_fight"}

# A rule match preceded by one of these (within 3 words) is negated ("i would never kill
# myself", "i'm not suicidal"): the level drops to concern, never to none.
NEGATIONS = ["not", "never", "n't", "no", "wouldn't", "won't", "don't", "didn't", "isn't", "ain't"]
# In these the negation is the danger itself ("won't let me leave").
NEGATION_SAFE_RULES = {"not_let_leave", "cannot_get_out", "not_safe", "not_want_to_live", "quota"}

# Words that make a high-level danger imminent.
URGENCY = ["right now", "now", "scared", "afraid", "tonight", "hurry", "help me", "please help",
           "come get me",
           "911", "asap", "scared for my life", "he's here", "she's here", "they're here",
           "coming back", "on his way"]
URGENT_CATEGORIES = {IMMINENT_DANGER, SELF_HARM, ABUSE}

# Asking for a crisis number is not a disclosure: the bare words "suicide"/"suicidal" in a
# message that asks for a line drop to concern (the bot still answers with 988).
INFO_REQUEST_WORDS = ["hotline", "lifeline", "number", "prevention", "line for"]
INFO_REQUEST_RULES = {"suicide_word"}
