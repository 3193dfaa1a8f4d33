"""What a message says about the person and their need, so Harbor never asks for it again: a place
(a ZIP code, a California city or county, common short names like LA or SF, "near X"), an age
("16", "sixteen", "16yo", "shes 13"), who is asking (youth, caregiver, provider), the kind of help,
and gender or LGBTQ when said. Plain Python; bot/nlu/fact_extractor.py turns these into Rasa
entities.

Recall on places matters less than never inventing one: a city name that is also an English word
or a first name ("orange", "hope", "tracy") counts only after "in", "near", "at" or "from", or as
the whole message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from resources_db.places import PlaceNotFound, home_state_names, is_home_state_zip, resolve

YOUTH, CAREGIVER, PROVIDER = "youth", "caregiver", "provider"
MIN_AGE, MAX_AGE = 8, 30

# What Californians call their places; the value is what resources_db.places resolves.
SHORT_NAMES = {
    "la": "los angeles", "l.a.": "los angeles", "los angeles": "los angeles", "sf": "san francisco",
    "s.f.": "san francisco", "frisco": "san francisco", "sac": "sacramento", "sactown": "sacramento",
    "sd": "san diego", "oc": "orange county", "sj": "san jose", "oak": "oakland", "oaktown": "oakland",
    "the bay": "oakland", "bay area": "oakland", "east bay": "oakland", "south central": "los angeles",
    "hollywood": "los angeles", "the valley": "fresno", "central valley": "fresno", "the ie": "riverside",
    "inland empire": "riverside", "long beach": "long beach", "skid row": "los angeles",
    "la county": "los angeles", "l.a county": "los angeles", "l.a": "los angeles", "s.f": "san francisco",
    "slo": "san luis obispo", "paso": "paso robles",
    "bako": "bakersfield", "bakotown": "bakersfield",
    # Neighborhoods and unincorporated towns people name instead of the city (some share a name with a town in
    # another state: "fruitvale", "watts", "highland park").
    "fruitvale": "oakland", "east oakland": "oakland", "west oakland": "oakland", "deep east oakland": "oakland",
    "natomas": "sacramento", "south sac": "sacramento", "north sac": "sacramento", "oildale": "bakersfield",
    "city heights": "san diego", "logan heights": "san diego", "barrio logan": "san diego", "north park": "san diego",
    "boyle heights": "los angeles", "watts": "los angeles", "south la": "los angeles", "east la": "los angeles",
    "koreatown": "los angeles", "ktown": "los angeles", "highland park": "los angeles", "echo park": "los angeles",
    "dtla": "los angeles", "downtown la": "los angeles", "east san jose": "san jose", "tenderloin": "san francisco",
    "the tenderloin": "san francisco", "mission district": "san francisco",
    "bayview": "san francisco", "hunters point": "san francisco", "isla vista": "goleta",
    "coachella valley": "indio", "east palo alto": "palo alto",
}
# City names that are also first names or everyday words in texts.
_NEEDS_PREPOSITION = {"tracy", "davis", "lincoln", "sherman", "maxwell", "chester", "nelson", "dixon",
                      "ross", "winton", "newman", "avery", "colton", "grover", "san", "la", "oak", "sd", "paso",
                      "the valley", "the bay", "sac", "clay", "graton", "taft", "keyes", "weldon",
                      "watts", "north park", "highland park", "bayview"}
_PREPOSITION = re.compile(r"(?:\b(?:in|near|at|from|around|by|to|outside(?: of)?|live in|stay in|i said|i meant|"
                          r"i typed)\s+)$")
# "what about LA?", "ok and SF": written in capitals (in a message that is not all capitals: "ESTOY EN LA
# CASA"), a short name is the place. Not SD ("an SD card"), OC ("my OC") or SJ (initials).
_CAPITALISED_SHORT = {"la", "l.a", "sf", "s.f"}
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+|ok\s+|okay\s+)?(?:what|how)\s+about\s+$")
_WORD = re.compile(r"[a-z0-9][a-z0-9.'-]*")
# Where they are now ("we in fresno", "im staying in oakland") or where they ask about ("whats near salinas",
# "anything closer in moreno valley"); not where they were ("grew up in", "ran from my placement near").
_WHERE_THEY_ARE = re.compile(r"\b(?:we|i'?m|im|i am|we're|we are|we r|i live|we live)\s+(?:(?:staying|living|out|"
                             r"now|rn|right now|currently)\s+)?(?:in|at)\s+$|"
                             r"\b(?:what'?s|whats|anything|something|somewhere|closer)\s+(?:\w+\s+)?(?:in|near|around|"
                             r"to)\s+$")
_CORRECTED_TO = re.compile(r"\b(?:i said|i meant|i told (?:you|u|ya)|i typed)\s+(?:in\s+|near\s+)?$")
_MALE_SHORTHAND = re.compile(r"(?<!room )(?<!apt )(?<!unit )(?<!#)\b(1[0-9]|2[0-4])M\b"
                             r"(?=\s*(?:[,.;:)/]|$|pt\b|patient|client|youth|w/|(?:on|in|at) (?:my|our)\b))")
_AREA_AFTER = re.compile(r"\s+(?:area|county|cnty|co)\b(?!-)")  # "riverside co juv"; not "tracy co-parent"

_NUMBER_WORDS = {
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty one": 21, "twenty-one": 21, "twenty two": 22, "twenty-two": 22, "twenty three": 23,
    "twenty-three": 23, "twenty four": 24, "twenty-four": 24,
}
_NUMBER = r"(\d{1,2}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_NOT_AN_AGE_AFTER = (r"(?!\s*(?:(?:years?|yrs?) ago|feet|ft\b|foot|inch\w*|yards?|meters?|"
                     r"min|mins|minutes?|hours?|hrs?|days?|weeks?|wks?|months?|miles?|mi\b|dollars?|bucks|"
                     r"%|am\b|pm\b|:|\.\d|times?|blocks?|people|guys|of\b|percent|k\b|grand|texts?|calls?|beds?|"
                     r"rooms?|spots?|openings?))")
# Who an adult may be asking for (also in _CHILD below, which the role patterns use).
_CHILD_WORDS = (r"(?:foster |step|grand)?(?:daughter|son|kid|kiddo|child|girl|boy|teen|teenager|niece|nephew|"
                r"client|student|patient|youth)")
_AGES = [
    # "16yo", "16 y/o", "16 years old", "16 yr old"
    re.compile(rf"(?<!\d-)(?<!\d to )\b{_NUMBER}\s*(?:yo|y/o|y\.o\.|yrs?(?:\s*old)?|years?(?:\s*old)?|year-old)\b"
               r"(?!\s*ago)"),
    # "i'm 16", "shes 13", "he is fifteen", "age 14", "just turned 17"
    re.compile(rf"\b(?:i'?m|i am|im|she'?s|shes|she is|he'?s|hes|he is|they'?re|theyre|they are|age|aged|"
               rf"turned|turning|ages?)\s+(?:only\s+|just\s+)?{_NUMBER}\b{_NOT_AN_AGE_AFTER}"),
    # "im trans (mtf), 19, and...", "im a guy, 17, been...": a number set off by commas right after
    # saying who they are
    re.compile(r"\b(?:i'?m|im|i am)\s+(?!(?:at|in|on|near|by|outside|from|going|gonna|about|like)\b)"
               r"[^,.?!]{1,25},\s*(1[1-9]|2[0-4])\s*(?:,|\band\b|$)"),
    # "ER SW. pt 15, disclosed ...", "client 17 in placement": a clinician's or worker's shorthand
    re.compile(rf"(?:^|[.;,]\s*|\b(?:my|our|a|the|this|new)\s+)(?:pt|patient|client)\s*,?\s+(1[0-9]|2[0-4]|[89])\b"
               rf"{_NOT_AN_AGE_AFTER}(?!\s*/|\s*(?:sessions?|visits?|appointments?|more)\b)"),
    # "survivor svcs for 16F", "17M, DMST": a professional's shorthand for age and sex
    # (a lower-case "m" is minutes or months: "brb 10m", "my son is 14m"; an upper-case one is read in `ages`)
    re.compile(r"(?<!room )(?<!apt )(?<!unit )(?<!suite )(?<!#)\b(1[0-9]|2[0-4])f\b"
               r"(?=\s*(?:[,.;:)/]|$|pt\b|patient|client|youth|w/|(?:on|in|at) (?:my|our)\b))"),
    # "My daughter (16) told me", "my nephew (15)": an age in brackets after who it is
    re.compile(rf"\b(?:{_CHILD_WORDS}|sister|brother|sis|bro|cousin|she|he|her|him)\s*\((1[0-9]|2[0-4]|[89])\)"),
    # "she 15. we on the east side": said the way people text it
    re.compile(rf"\b(?:she|he)\s+(1[0-9]|[89])\b{_NOT_AN_AGE_AFTER}(?!\s*(?:and|n|&)\s+\d)"),
    # "my 15 year old", "a 14-year-old"
    re.compile(rf"\b{_NUMBER}[\s-]*(?:year|yr)[\s-]*old\b"),
    # "my nephew is 19", "our foster son is only 15": an adult saying how old the young person is
    re.compile(rf"\b(?:my|our|her|his|the)\s+{_CHILD_WORDS}\s+(?:is|was just|just turned|turned)\s+"
               rf"(?:only\s+|just\s+)?{_NUMBER}\b{_NOT_AN_AGE_AFTER}"),
    # "my little sister is 15", "the oldest is 14": a sibling or one of several children
    re.compile(rf"\b(?:my|our|her|his|the)\s+(?:little |younger |older |big |baby |kid )?(?:sister|brother|sis|bro|"
               rf"cousin|oldest|youngest|eldest|older one|younger one)\s+(?:is|was just|just turned|turned)\s+"
               rf"(?:only\s+|just\s+)?{_NUMBER}\b{_NOT_AN_AGE_AFTER}"),
    # "my nephew, 16, through monterey county", "my lil sis 17 lives w me", "my granddaughter 15 been gone" (not "my
    # cousin 20 got me into this" or "my boy 21": a grown cousin or a boyfriend is not who the help is for)
    re.compile(rf"\b(?:my|our|her|his)\s+(?:(?:foster |step|grand)?(?:daughter|son|niece|nephew|kid|child|grandkid)|"
               rf"(?:lil|little|younger|baby) (?:sister|brother|sis|bro))\s*,?\s*{_NUMBER}\b{_NOT_AN_AGE_AFTER}"),
    # "my sister 19 and me 16 need a bed": said of oneself
    re.compile(rf"\b(?:and|n) me\s+(1[0-9]|2[0-4])\b{_NOT_AN_AGE_AFTER}"),
    # "a girl maybe 15", "this boy about 16": a young person someone met, with a guessed age
    re.compile(rf"\b(?:a|this|one|some)\s+(?:girl|boy|kid|teen|youth|young (?:woman|man|person))\s+(?:maybe|about|"
               rf"around|like|prob|probably|who'?s|who is|age|aged)\s+{_NUMBER}\b{_NOT_AN_AGE_AFTER}"),
    # "im in slo, 19. i just want someone to talk to": where they are, then their age set off by a comma
    re.compile(r"\b(?:i'?m|im|i am)\s+(?:in|at|from|near|by|out in|over in|down in)\s+[^,.?!\d]{2,25},\s*"
               rf"(1[1-9]|2[0-4])\s*(?:[,.!]|\band\b|$){_NOT_AN_AGE_AFTER}(?!\s*(?:mins?|minutes?|hours?|hrs?|"
               r"blocks?|miles?|away|beds?|rooms?|spots?|kids|girls|boys)\b)"),
    # Who the help is for: "need dropin for 2 girls 15 & 16", "a drop-in for a few 18-20 yos", "beds for TAY 18-24";
    # the youngest counts. Not the ages of others ("texts from boys 18-20. shes 15").
    re.compile(r"\bfor (?:(?:\d|two|three|a few|some|my|our|the) )?(?:girls|boys|kids|youth|teens|clients|tay)\s+"
               r"(?:ages?\s+)?(1[0-9]|2[0-4])\s*(?:&|and|n|,|/|-|to)\s*(?:1[0-9]|2[0-4])\b"),
    re.compile(r"\bfor (?:(?:\d|two|three|a few|some) )?(1[0-9]|2[0-4])\s*(?:-|to)\s*(?:1[0-9]|2[0-4])\s*"
               r"(?:yos?|y/?os?|year olds?|yr olds?)\b"),
    re.compile(r"\b(?:tay|ages|aged)\s+(1[0-9]|2[0-4])\s*(?:-|to)\s*(?:1[0-9]|2[0-4])\b"),
    # Spanish: "tengo 17 anos", "17 años", "tiene 15"
    re.compile(r"\b(?:tengo|tiene|tienes|de)\s+(\d{1,2})(?:\s*(?:anos|años|añitos))?\b"),
    re.compile(r"\b(\d{1,2})\s*(?:anos|años)\b"),
]
# "long beach. 17. i just want a bed": a number that is a sentence of its own, in a message that also names a
# place or a need (not "its late, 11. cant sleep").
_STANDALONE_NUMBER = re.compile(r"(?:^|[.;]\s+)(1[1-9]|2[0-4])\s*[.;!](?=\s)(?!\s*(?:min|mins|minutes?|hours?|hrs?|"
                                r"days?|weeks?|months?|miles?|dollars?|bucks|am|pm)\b)")
# An age said of oneself comes first: "my little sister is 15 and i need a bed for both of us. im 18".
_OF_THEMSELVES = re.compile(r"\b(?:i'?m|im|i am|i just turned|i turned|i'?m turning|me)\s+(?:only\s+|just\s+)?$")
# "92101 bed tonight 17": a lone number in a short message that also names a place or a need.
_LONE_NUMBER = re.compile(r"(?<![\d$:.,/-])\b(1[0-9]|2[0-4])\b(?![\d:.,/%-]|\s*(?:min|hours?|hrs?|days?|weeks?|"
                          r"months?|miles?|mi\b|dollars?|bucks|am\b|pm\b|times?|blocks?|people|of\b|k\b|texts?|"
                          r"beds?|rooms?|spots?|openings?))")
_SHORT_MESSAGE_WORDS = 10
_BARE_AGE = re.compile(rf"^\s*(?:age\s*)?{_NUMBER}\s*[.!]*\s*$")

_CHILD = (r"(?:daughter|son|kid|kiddo|child|children|girl|boy|teen|teenager|grandkid|granddaughter|"
          r"grandson|grandchild|niece|nephew|stepdaughter|stepson|foster (?:child|kid|youth|daughter|son|girl|boy)|"
          r"youngest|oldest|baby girl)")
_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (PROVIDER, re.compile(
        r"\b(?:i'?m|im|i am|as|i work as)\s+(?:a|an|the|her|his|their)?\s*(?:(?:high |middle |elementary )?school\s+)?"
        r"(?:social worker|school psych\b|psychologist|"
        r"case ?worker|case manager|counselou?r|therapist|teacher|nurse|doctor|probation officer|po\b|"
        r"outreach worker|advocate|youth worker|youth pastor|pastor|coach|officer|detective|clinician|"
        r"staff|group home staff|principal|mentor|cps worker|investigator|social work)")),
    (PROVIDER, re.compile(
        r"\b(?:my|our|a|for a|for my)\s+(?:\d{1,2}\s*(?:yo|y/o|year old|yr old)\s+)?(?:client|clients|student|students|"
        r"patient|patients|caseload|"
        r"youth on my caseload|kids? on my caseload|mentee)\b")),
    (PROVIDER, re.compile(r"\b(?:i|we)\s+work\s+(?:at|with|for|in)\b|\bour (?:agency|program|clinic|school|unit)\b")),
    # "PO in kern county", "school nurse here": a title said first, the way professionals sign a text
    # "16yo pt brought in by an adult 'cousin'": a clinician's shorthand
    (PROVIDER, re.compile(r"\b\d{1,2}\s*(?:yo|y/o|f|m)\s+(?:pt|patient)\b")),
    (PROVIDER, re.compile(r"^\s*(?:(?:high |middle )?school (?:nurse|counselou?r|psych\w*|social worker)|po|csw|"
                          r"(?:er|ed|icu|peds|pediatric|triage|charge|clinic|hospital|er triage) nurse|"
                          r"(?:medical|hospital|clinical|county|cws|dcfs) social worker|"
                          r"(?:street )?outreach|"
                          r"probation officer|social worker|case ?worker|case manager|cps|outreach worker|"
                          r"therapist|clinician)\b(?:\s+here\b|\s+(?:in|at|for|with)\b|,|\.)"
                          # not a young person naming theirs: "case worker at dcfs gave me this number", "cps in
                          # my house again", "po for me said"
                          r"(?![^.,;!?]*\b(?:me|my|i|im|i'm|gave|told|said|says|sent|made|took)\b)")),
    (CAREGIVER, re.compile(
        r"\b(?:i'?m|im|i am|as)\s+(?:a|an|the|her|his|their)?\s*(?:foster|resource|adoptive|kinship)?\s*"
        r"(?:mom|mother|dad|father|parent|parents|grandma|grandmother|grandpa|grandfather|granny|aunt|auntie|"
        r"tia|uncle|guardian|caregiver|carer|step ?mom|step ?dad|foster)\b(?!\s+(?:care|home|youth|kid))")),
    # not "my boy 21 wants me to work for him": alone, "my boy" or "my girl" is a boyfriend or a friend as often
    (CAREGIVER, re.compile(rf"\b(?:my|our)\s+(?!(?:boy|girl)\b)(?:\d{{1,2}}\s*(?:yo|year old)\s+)?"
                           rf"(?:foster\s+|adopted\s+|adoptive\s+|"
                           rf"grand|step\s*)?{_CHILD}\b")),
    # "my 14 year old is being sold": a parent's words (not "my 20 year old boyfriend" or "my 14 year old sister")
    (CAREGIVER, re.compile(r"\b(?:my|our)\s+(?:1[0-9]|[2-9])\s*(?:yo|y/o|year old|year-old|yr old)\b(?!\s*(?:boyfriend|"
                           r"bf|girlfriend|gf|cousin|brother|sister|bro|sis|friend|homie|bestie|man|dude|guy|ex)\b)")),
    # "foster dad in santa cruz.": a caregiver signing the text the way professionals do
    (CAREGIVER, re.compile(r"^\s*(?:(?:foster|resource|adoptive|kinship) (?:mom|dad|parent|mother|father)s?|"
                           r"grandma|grandpa|grandmother|grandfather)\b(?:\s+here\b|\s+(?:in|at|of|from)\b|,|\.)"
                           # not a young person naming theirs: "foster mom, she hits me", "grandma here and i'm 15"
                           r"(?![^.,;!?]*\b(?:me|my|i|im|i'm)\b)")),
    # A foster parent's "my placement" is the child ("my new placement ran again"); a youth's is the home
    # ("i left my placement"), which the youth patterns below catch.
    (CAREGIVER, re.compile(r"\b(?:my|our) (?:new |current )?placement (?:is|has|keeps|kept|won'?t|ran|came|did|"
                           r"didn'?t|said|told|just)\b")),
    (CAREGIVER, re.compile(r"\b(?:(?:\d{1,2}|two|three|four|five|six)\s+(?:teens|kids|youth|girls|boys)|foster kids)\s+"
                           r"(?:in|at)\s+(?:my|our)\s+(?:home|house|care)\b|\bi (?:foster|have fostered)\b")),
    (YOUTH, re.compile(
        r"\b(?:my|our)\s+(?:foster (?:mom|mother|dad|father|parents?|family|home)|social worker|case ?worker|"
        r"case manager|po\b|probation officer|group home|placement|pimp|boyfriend|bf|girlfriend|gf|daddy|"
        r"mom|mother|dad|father|parents|stepdad|step dad|stepmom|step mom|teacher)\b")),
    (YOUTH, re.compile(r"\b(?:i'?m|im|i am)\s+(?:only\s+|just\s+)?(?:1[0-7]|eleven|twelve|thirteen|fourteen|fifteen|"
                       r"sixteen|seventeen)\b(?!\s*(?:min|hours|days|miles))")),
    (YOUTH, re.compile(r"\b(?:i ran away|i'?m a runaway|im a runaway|i ran from|i left my placement|"
                       r"kicked me out|i'?m in foster care|im in foster care|i'?m in a group home)\b")),
    # "my lil sis 17 lives w me now": a relative raising a young person; after the youth patterns, so "my bro moved
    # in with us, im 16 and my stepdad hits me" stays a youth's words
    (CAREGIVER, re.compile(r"\b(?:my|our)\s+(?:lil |little |younger |baby )?(?:sis|sister|brother|bro|cousin|niece|"
                           r"nephew|grandkid|granddaughter|grandson)\b[^.?!]{0,20}\b(?:lives?|living|stays?|staying|"
                           r"moved in) (?:w|with) (?:me|us)\b")),
]

HELP_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("emergency_shelter", re.compile(r"\b(?:shelter|bed|beds|(?:safe |warm )?place to (?:stay|sleep|crash|go)|"
                                     r"somewhere (?:safe |warm )?to (?:stay|sleep|crash|go)|"
                                     r"where (?:to|can i) (?:sleep|stay)|housing|"
                                     # "is there anywhere in hemet i could go if i really had to leave"
                                     r"(?:somewhere|some ?place|a place|any ?place|any ?where) (?:(?:in|near|around) "
                                     r"\w+(?: \w+)? )?(?:i|we|she|he|they) "
                                     # not "anywhere i can go to get tested", "... go for food"
                                     r"(?:can|could) (?:go(?!\s+(?:to|for|get)\b)|stay|sleep|hide)|"
                                     r"any ?where (?:to|i can|we can) (?:sleep|stay|crash)|"
                                     r"(?:idk|don'?t know|dont know|no idea) where (?:to|i can|i should) "
                                     r"(?:sleep|stay|go tonight|go rn|go right now|go(?=\s*(?:$|[.!?,])))|"
                                     r"emergency placement|(?:need|needs|find|finding|looking for) (?:a |an )?"
                                     r"(?:\w+ )?placement\b(?! (?:with|at|in) )|"
                                     r"no ?where to (?:sleep|stay|go tonight))\b")),
    ("food", re.compile(r"\b(?:food|meal|meals|hungry|groceries|food bank|food stamps|eat|starving)\b")),
    ("medical", re.compile(r"\b(?:clinic|doctor|medical(?! social worker)|health ?care|(?:full|medical|physical|"
                           r"forensic|sane|health|wellness) exam|(?:a|her|his|my) check ?-?up|checkups?|stds?|stis?|"
                           r"get tested|testing for|"
                           r"pregnan\w*|dentist|dental|stitches|"
                           r"(?:cut|burn|bite|sore)\b[^.?!]{0,25}\b(?:getting nasty|looks bad|won'?t heal)|"
                           r"birth control|plan b|hiv|urgent care|tooth|toothache|"
                           r"teeth (?:fixed|pulled|hurt|hurts|pain))\b")),
    ("mental_health", re.compile(r"\b(?:counsel(?:ing|ling)|therap(?:y|ist)|mental health|psychiatrist|"
                                 r"(?:someone|somebody|a person|anyone|anybody)\b[^.?!]{0,30}?\b"
                                 r"(?:i|we|she|he|they) can talk to|"
                                 r"(?:someone|somebody|a person) to (?:\w+ ){0,2}talk to|"
                                 r"family (?:counseling|therapy|therapist)|"
                                 r"(?:see|talk to|find|get|need|want|with) (?:her |him |me |them )?(?:a |an )?(?:\w+ )?"
                                 r"counsel(?:l)?or|"
                                 r"(?:what about|how about|and|also|plus) (?:a |an )?counsel(?:l)?or|"
                                 r"(?:anyone|someone|somebody|programs?|people|a place) (?:who|that) (?:works?|helps?) "
                                 r"with (?:families|kids and families))\b")),
    ("legal", re.compile(r"\b(?:lawyer|attorney|legal|court|immigration)\b")),
    # not the lure: "an 'agent' saying he can get her modeling jobs"
    ("education_jobs", re.compile(r"\b(?<!modeling )(?<!modelling )(?:job|jobs|ged|job training|employment|"
                                  r"back to school)\b")),
    ("substance_use", re.compile(r"\b(?:rehab|detox|sober|recovery program)\b")),
    ("trafficking_services", re.compile(r"\b(?:(?:anti-?)?(?:trafficking|csec)[- ](?:specific |survivor )?"
                                        r"(?:services?|svcs?|programs?|help|support|advocates?|providers?|agenc(?:y|ies)|"
                                        r"orgs?|organizations?|ones|case (?:management|mgmt))|"
                                        r"survivor (?:services|svcs?|programs?)|"
                                        # "any services specifically for trafficking survivors?"
                                        r"(?:services?|svcs?|programs?|orgs?|organizations?) (?:\w+ ){0,2}for "
                                        r"(?:trafficking|csec|sex trafficking|trafficked) (?:survivors|victims)|"
                                        # "is there somewhere for girls like her", "refer her to specialized services"
                                        r"(?:somewhere|some ?place|a place|anywhere|programs?|services?) for "
                                        r"(?:girls|boys|kids|youth|teens|young people|people|someone) like "
                                        r"(?:her|him|me|them|us)|"
                                        r"specialized (?:csec |trafficking )?(?:services?|programs?|help|support))\b")),
    ("caregiver_support", re.compile(r"\b(?:respite|caregiver support|support (?:groups? )?for (?:foster parents|"
                                     r"caregivers|grandparents|parents|families like ours|"
                                     r"us as (?:foster )?parents)|"
                                     # "any support for relatives who take in kids? like classes or a group"
                                     # not a class "on csec" (a training), not "families of addicts"
                                     r"(?:support|(?:a )?class(?:es)?|(?:a )?groups?) (?:\w+ )?for (?:other )?"
                                     r"(?:parents|caregivers|grandparents|grandmas|relatives|kinship|"
                                     r"foster (?:parents|families))(?!\s+(?:on|about|to learn)\b))\b")),
    ("drop_in", re.compile(r"\b(?:drop[- ]?in|showers?|laundry|wash (?:my|our) clothes|charge (?:my|our) phones?|"
                           r"(?:somewhere|some ?place|anywhere|where)\b[^.?!]{0,30}\b(?:chill|hang out|hang|be) "
                           r"(?:\w+ )?during the day|"
                           r"day ?time (?:place|center|spot))\b")),
    # Last: "if i did leave tho is there like a place in salinas": a place to go, nothing else named.
    ("emergency_shelter", re.compile(r"\b(?:is there|are there|any|know (?:of )?)(?: like)? (?:a |some ?)?places? "
                                     r"(?:in|near|around) [a-z]+(?: [a-z]+)?\s*(?:\?|$|\.(?=\s*(?:i'?m|i am) \d))")),
]

GENDER_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("lgbtq", re.compile(r"\b(?:lgbt\w*|queer|gay|lesbian|bi|bisexual|trans|transgender|nonbinary|non-binary|"
                         r"enby|gender ?fluid|they/them)\b")),
    # Only what someone says of themselves or the child they ask for: a pronoun can be anyone.
    ("female", re.compile(r"\b(?:i'?m a (?:girl|woman|young woman)|im a girl|for (?:a )?girls?|"
                          r"my (?:foster |grand|step)?(?:daughter|niece)|my (?:foster|little|baby) girl|"
                          r"(?:a|my) \d{1,2}\s*(?:yo|year old) girl)\b")),
    ("male", re.compile(r"\b(?:i'?m a (?:boy|guy|dude|young man)|im a (?:boy|guy)|for (?:a )?boys?|"
                        r"my (?:foster |grand|step)?(?:son|nephew)|my (?:foster|little|baby) boy|"
                        r"(?:a|my) \d{1,2}\s*(?:yo|year old) boy)\b")),
]


@dataclass(frozen=True)
class Fact:
    entity: str  # place | age | role | help | gender
    value: str
    start: int
    end: int


def _clean(text: str) -> str:
    """Lower case, curly quotes straight; same length as the input so offsets stay true."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=1)
def _place_names() -> dict[str, str]:
    names = {name: name for name in home_state_names()}
    names.update(SHORT_NAMES)
    return names


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return frozenset(set(table.keys()) | set(table.values()))


def places(text: str) -> list[Fact]:
    cleaned = _clean(text)
    found: list[Fact] = []
    for match in re.finditer(r"\b(\d{5})(?:-\d{4})?\b", cleaned):
        code = match.group(1)
        whole = cleaned.strip(" .!") == match.group(0)
        context = re.search(r"(?:zip|zipcode|in|near|at|around)\s*(?:code)?\s*(?:is)?\s*$", cleaned[:match.start()])
        if is_home_state_zip(code) or ((whole or context) and _resolves(code)):
            found.append(Fact("place", code, match.start(1), match.end(1)))
    words = [(m.group(0).strip(".'-"), m.start()) for m in _WORD.finditer(cleaned)]
    taken: set[int] = set()
    names = _place_names()
    for size in (4, 3, 2, 1):
        for index in range(len(words) - size + 1):
            if any(i in taken for i in range(index, index + size)):
                continue
            phrase = " ".join(word for word, _ in words[index:index + size])
            if phrase not in names:
                continue
            start = words[index][1]
            end = words[index + size - 1][1] + len(words[index + size - 1][0])
            capitalised = (phrase in _CAPITALISED_SHORT and text[start:end].isupper() and not text.isupper())
            asked_about = bool(_WHAT_ABOUT.match(cleaned[:start]))  # "what about tracy" is a place question
            # "riverside area", "merced county"; not "a nice area", "the lake area"
            area = bool(_AREA_AFTER.match(cleaned[end:])) and not re.search(r"\b(?:a|an|the|this|that|my|our|his|"
                                                                           r"her|their|nice|good|bad)\s+$",
                                                                           cleaned[:start])
            if _needs_preposition(phrase) and not (_PREPOSITION.search(cleaned[:start]) or capitalised
                                                   or asked_about or area or cleaned.strip(" .!?") == phrase):
                continue
            if not _resolves(names[phrase]):
                continue
            taken.update(range(index, index + size))
            found.append(Fact("place", names[phrase], start, end))
    # A correction comes first ("its showing stuff in LA?? i said pomona"), then where they are ("she left w a older
    # man, taking her down to LA. we in fresno").
    return sorted(found, key=lambda fact: (not _WHERE_THEY_ARE.search(cleaned[:fact.start]),
                                           not _CORRECTED_TO.search(cleaned[:fact.start]), fact.start))


def _needs_preposition(phrase: str) -> bool:
    if " " in phrase and phrase not in _NEEDS_PREPOSITION:
        return False
    return phrase in _NEEDS_PREPOSITION or phrase in _english_words() or len(phrase) <= 3


@lru_cache(maxsize=4096)
def _resolves(name: str) -> bool:
    try:
        resolve(name)
    except PlaceNotFound:
        return False
    return True


def _age_value(word: str) -> int | None:
    value = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
    return value if value is not None and MIN_AGE <= value <= MAX_AGE else None


def ages(text: str) -> list[Fact]:
    cleaned = _clean(text)
    bare = _BARE_AGE.match(cleaned)
    if bare and _age_value(bare.group(1)) is not None:
        return [Fact("age", str(_age_value(bare.group(1))), bare.start(1), bare.end(1))]
    found: list[Fact] = []
    for pattern in [*_AGES, _MALE_SHORTHAND]:
        for match in pattern.finditer(text if pattern is _MALE_SHORTHAND else cleaned):
            value = _age_value(match.group(1))
            if value is not None and not any(f.start == match.start(1) for f in found):
                found.append(Fact("age", str(value), match.start(1), match.end(1)))
    if not found and (places(text) or help_kind(text)):
        standalone = [m for m in _STANDALONE_NUMBER.finditer(cleaned) if _age_value(m.group(1)) is not None]
        if len(standalone) == 1:
            found.append(Fact("age", standalone[0].group(1), standalone[0].start(1), standalone[0].end(1)))
    if not found and len(cleaned.split()) <= _SHORT_MESSAGE_WORDS and (places(text) or help_kind(text)):
        lone = [m for m in _LONE_NUMBER.finditer(cleaned) if _age_value(m.group(1)) is not None
                and not re.search(r"\b(?:at|by|until|till|after|before|around|open|close|closes)\s*$",
                                  cleaned[:m.start()])]
        if len(lone) == 1:
            found.append(Fact("age", lone[0].group(1), lone[0].start(1), lone[0].end(1)))
    return sorted(found, key=lambda fact: (not _OF_THEMSELVES.search(cleaned[:fact.start]), fact.start))


def _first(entity: str, patterns: list[tuple[str, re.Pattern[str]]], text: str) -> Fact | None:
    cleaned = _clean(text)
    for value, pattern in patterns:
        match = pattern.search(cleaned)
        if match:
            return Fact(entity, value, match.start(), match.end())
    return None


def role(text: str) -> Fact | None:
    """Who is asking, when the words say so. An adult's words outrank a youth's ("my foster daughter
    said her social worker ..." is a caregiver)."""
    return _first("role", _ROLE_PATTERNS, text)


def help_kind(text: str) -> Fact | None:
    return _first("help", HELP_WORDS, text)


def gender(text: str) -> Fact | None:
    return _first("gender", GENDER_WORDS, text)


def facts(text: str | None) -> list[Fact]:
    """Everything the message says; at most one of each kind, the first place and age said."""
    if not text:
        return []
    found: list[Fact] = []
    for group in (places(text), ages(text)):
        if group:
            found.append(group[0])
    for single in (role(text), help_kind(text), gender(text)):
        if single:
            found.append(single)
    if any(f.entity == "age" and int(f.value) < 18 for f in found) and not any(f.entity == "role" for f in found):
        speaker = re.search(r"\b(?:i'?m|im|i am)\s", _clean(text))
        if speaker:
            found.append(Fact("role", YOUTH, speaker.start(), speaker.end()))
    return found
