"""The rule layer's vocabulary: what texting youth actually write when they are in danger.

Patterns use a small phrase syntax compiled to spaCy Matcher token patterns (see
hotline/risk_rules.py):
  word        matches the word or any inflection of it (by lookup lemma)
  a|b|c       any of the alternatives
  word?       optional
  =word       exactly this word (no inflections): "=sold" does not match "selling"
  *           up to three words of anything
  PERSON      someone who could hurt or exploit: he, she, they, someone, boyfriend, ...
  FAMILY      a parent or caregiver: mom, dad, stepdad, foster mom, staff, ...
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

NONE, CONCERN, HIGH, IMMINENT = 0, 1, 2, 3

IMMINENT_DANGER = "imminent_danger"
SELF_HARM = "self_harm"
EXPLOITATION = "exploitation"
ABUSE = "abuse"
THIRD_PARTY = "third_party"

CATEGORIES = (IMMINENT_DANGER, SELF_HARM, EXPLOITATION, ABUSE, THIRD_PARTY)

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
ME = ["me", "myself"]
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
    "look out for", "risk factors", "how do pimps",
]


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    level: int
    phrases: tuple[str, ...]


def rule(name: str, category: str, level: int, *phrases: str) -> Rule:
    return Rule(name, category, level, phrases)


RULES: list[Rule] = [
    # --- imminent danger: being held, hurt or threatened now ---------------------------
    rule("not_let_leave", IMMINENT_DANGER, IMMINENT,
         "PERSON * will|would|do|does|did not let ME leave|go|out",
         "PERSON * never let ME leave|go", "PERSON * not let|letting ME leave|go",
         "will|would not let ME leave", "can not get out", "can not escape", "not allow to leave",
         "so i can not leave|go", "so i can not get out"),
    rule("locked_in", IMMINENT_DANGER, IMMINENT,
         "lock|locked ME in|inside|up", "i be lock|locked in|inside|up", "i be trap|trapped",
         "be hold|held against my will", "hold|holding ME hostage|captive|prisoner",
         "i be be|being hold|held", "PERSON * hold|holding|keep|keeping ME here|there|inside|hostage",
         "keep|keeping ME lock|locked up|in"),
    rule("weapon", IMMINENT_DANGER, IMMINENT,
         "PERSON * have|has|got|get|pull|pulled|point|pointed * gun|knife|weapon",
         "gun|knife to my head|throat"),
    rule("death_threat", IMMINENT_DANGER, IMMINENT,
         "PERSON * kill|shoot|stab|strangle|choke ME",
         "PERSON * threaten|threatened * to kill|hurt ME",
         "scared|afraid|fear for my life", "think i be go to die",
         "PERSON * say|said * i|you die", "PERSON * say|said * i|you will die"),
    rule("threat_of_harm", IMMINENT_DANGER, HIGH,
         "PERSON * go|going to hurt|beat|hit|rape ME", "PERSON * will hurt|beat|hit|rape ME",
         "PERSON * say|said * hurt|beat|hit ME", "PERSON * be hurting ME", "PERSON * hurt|hurts ME"),
    rule("not_safe", IMMINENT_DANGER, HIGH, "i be not safe", "i do not feel safe"),
    rule("in_danger", IMMINENT_DANGER, HIGH, "i be in danger", "be not in danger"),
    rule("come_get_me", IMMINENT_DANGER, HIGH,
         "come get ME", "please help ME * PERSON", "bang|banging|pound|pounding on the? door|window",
         "hide|hiding from PERSON", "hide|hiding * from PERSON", "grab|grabbed ME",
         "put|pushed|threw ME in * car|van|truck|trunk",
         "PERSON * threaten|threatening ME", "PERSON * chase|chasing ME", "tie|tied ME up",
         "PERSON * strangle|strangling|choke|choking ME", "PERSON * shoot ME", "stuck in his|their room|car|house",
         "will not let ME out", "will not open the door",
         "PERSON * follow|following ME", "PERSON * outside my door|window|room|house",
         "PERSON * try to grab|snatch|drag|kidnap ME", "PERSON * kidnap|kidnapped|kidnapping ME"),
    # --- self-harm and suicide ---------------------------------------------------------
    rule("suicide_word", SELF_HARM, HIGH, "suicide", "suicidal"),
    rule("suicide", SELF_HARM, HIGH,
         "kill myself", "end my life", "unalive", "unaliving", "unalive myself",
         "done with life", "done living", "tired of living", "sleep and never wake up",
         "happier|better if i be|was|were dead|gone", "wish i could die", "want to not exist",
         "ready to die", "rather be dead", "want it to end", "want it all to end", "no way out",
         "goodbye letter|note", "suicide note", "except dying", "on the roof * jump", "want to jump off",
         "slit|cut my wrist|wrists", "jump off|from * roof|bridge|building",
         "i be go to die", "tonight i die", "going to die tonight", "can not do this anymore",
         "end it all", "end it tonight",
         "end thing|things", "want to die", "want to be dead", "wish i be|was|were dead",
         "take my own life",
         "better off dead", "better off without me",
         "disappear forever",
         "hang myself", "jump off", "jump in front of", "overdose", "od on"),
    rule("not_want_to_live", SELF_HARM, HIGH,
         "do not want to live|exist", "do not want to wake up", "do not want to be alive",
         "do not want to be here anymore", "never wake up", "not exist", "not see a|any way out",
         "not want to be here anymore", "life be not worth", "no reason to live",
         "wish i be|was|were never born"),
    rule("self_injury", SELF_HARM, HIGH,
         "cut|cutting myself", "be cutting", "cut again", "hurt myself", "hurting myself",
         "burn myself", "take|took|swallow|swallowed * bunch of pills",
         "take|took|swallow|swallowed all my|the pills", "too many pills", "handful of pills",
         "bottle of pills", "take|took|swallow|swallowed * NUM pills",
         "swallow|swallowed * bottle of",
         "take|took * bottle of * pills|meds|medicine|medication|tylenol|advil|ibuprofen|sleeping|xanax|percs",
         "take|took|swallow|swallowed all my|the meds|medicine|medication",
         "too many meds|medicine", "take|took|swallow|swallowed * NUM meds"),
    # --- commercial sexual exploitation ------------------------------------------------
    rule("quota", EXPLOITATION, HIGH, "quota", "make|bring|get * NUM * or PERSON|else",
         "bring home * amount", "amount or else", "do|doing this|it for money"),
    rule("the_life", EXPLOITATION, HIGH,
         "in the life", "the track", "the blade", "work the stroll", "on the stroll",
         "turn trick|tricks", "trick|tricks for", "do|does|doing date|dates",
         "date|dates for a|an? PERSON", "date|dates for money|cash", "johns", "see|meet * guys|men|clients|customers",
         "go with * guys|men|clients", "from dates", "every dollar i make", "be my daddy|pimp",
         "the clients", "guys|men he set|sets up", "PERSON set|sets ME up with", "a john", "my pimp",
         "his pimp", "her pimp",
         "PERSON * pimp|pimping VICTIM"),
    rule("sold", EXPLOITATION, HIGH,
         "PERSON * sell|selling|sold VICTIM", "i|she|he|they|we|friend|sister be =sold|=pimped",
         "be being sold|pimped|trafficked", "be pimped out?", "be trafficked|traffick|trafficking",
         "PERSON * pimp|pimping|sell|selling|sold my? friend|sister|cousin|daughter|niece|brother|son",
         "post|posts|posted ad|ads of VICTIM", "ad|ads of VICTIM", "post VICTIM online",
         "post|posts|posted VICTIM on * site|sites|website|websites|app|apps",
         "advertise|advertises|advertised VICTIM", "sold by PERSON", "get|getting sold"),
    rule("controls_money_or_id", EXPLOITATION, HIGH,
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
    rule("branded", EXPLOITATION, HIGH,
         "brand|branded", "his name tattooed|tatted", "make|made VICTIM get * tattoo|tat",
         "tattoo|tat of his name", "tattoo|tattooed|tatted his|their name",
         "his|their initials", "tattoo|tattooed|tatted on ME * PERSON"),
    rule("debt_bondage", EXPLOITATION, HIGH,
         "owe PERSON * money", "pay|work off * debt", "owe PERSON and",
         "daddy|pimp|he say|says|said i owe him|them", "work it off"),
    rule("sextortion", EXPLOITATION, HIGH,
         "post|leak|send|share|spread my|her nudes|pics|pictures|videos|photos * unless|if",
         "threaten * nudes|pics|pictures|videos", "unless i|she send|do|sleep"),
    rule("recruitment", EXPLOITATION, HIGH,
         "recruit|recruited", "PERSON * want|wants|say|says|tell|told * work for him",
         "have to work for PERSON", "meet his friend|friends for money"),
    # --- abuse at home or in placement -------------------------------------------------
    rule("physical_abuse", ABUSE, HIGH,
         "FAMILY * hit|hits|beat|beats|punch|punched|slap|slapped|choke|choked|kick|kicked|hurt|hurts VICTIM",
         "group home|placement * hit|beat|hurt|slap|punch|kick VICTIM", "grab|grabbed my neck|throat",
         "PERSON * hit|hits|beat|beats|punch|punched|slap|slapped|choke|choked|kick|kicked VICTIM"),
    rule("sexual_abuse", ABUSE, HIGH,
         "rape|raped|raping", "molest|molested|molesting", "sexually abuse|abused",
         "FAMILY * touch|touches|touched VICTIM", "PERSON * touch|touches|touched VICTIM",
         "touch|touches|touched|touching ME", "come|comes|came into|in my room at night",
         "burn|burns|burned ME", "abuse|abuses|abused VICTIM", "make|makes|made ME do sexual",
         "sexual thing|things", "lock|locks|locked ME outside", "without food",
         "FAMILY * starve|starves|starved ME"),
]

# Combination rule: sex words and exchange words in one message (seed III.A: sex traded
# for money, food, shelter, drugs).
SEX_WORDS = ["sex", "sleep with", "hook up", "hooking up", "do stuff", "stuff with", "dates",
             "things with", "suck", "touch"]
EXCHANGE_WORDS = ["money", "cash", "pay", "paid", "pays", "place to stay", "somewhere to stay", "eat",
                  "a room", "a hotel room", "clothes", "a phone",
                  "a bed", "somewhere to sleep", "place to sleep", "food", "rent", "drugs", "weed",
                  "a ride", "gifts", "let me stay", "lets me stay"]

# Idioms that look like danger and are not; a rule match inside one is dropped.
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
]

# A rule match preceded by one of these (within 3 words) is negated ("i would never kill
# myself", "i'm not suicidal"): the level drops to concern, never to none.
NEGATIONS = ["not", "never", "n't", "no", "wouldn't", "won't", "don't", "didn't", "isn't", "ain't"]
# In these the negation is the danger itself ("won't let me leave").
NEGATION_SAFE_RULES = {"not_let_leave", "not_safe", "not_want_to_live", "quota"}

# Words that make a high-level danger imminent.
URGENCY = ["right now", "now", "scared", "afraid", "tonight", "hurry", "help me", "please help",
           "come get me",
           "911", "asap", "scared for my life", "he's here", "she's here", "they're here",
           "coming back", "on his way"]
URGENT_CATEGORIES = {IMMINENT_DANGER, SELF_HARM, ABUSE}

# Rasa intents from the DIET classifier that count as risk (the classifier can raise the
# level, never lower a rule hit), with the minimum confidence to count.
RISK_INTENTS = {
    "in_danger_now": (IMMINENT_DANGER, IMMINENT),
    "self_harm": (SELF_HARM, HIGH),
    "disclose_exploitation": (EXPLOITATION, HIGH),
}
RISK_INTENT_MIN_CONFIDENCE = 0.5
# With no rule hit at all, the classifier alone must be surer: everyday texts share words
# with danger ("i cut my hair") and a page wakes someone up.
CLASSIFIER_ALONE_MIN_CONFIDENCE = 0.85

# Asking for a crisis number is not a disclosure: the bare words "suicide"/"suicidal" in a
# message that asks for a line drop to concern (the bot still answers with 988).
INFO_REQUEST_WORDS = ["hotline", "lifeline", "number", "prevention", "line for"]
INFO_REQUEST_RULES = {"suicide_word"}
