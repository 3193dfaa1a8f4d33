"""What a message says about the person is read from their words, and nothing is invented."""

from __future__ import annotations

import pytest

from bot.nlu.facts import facts


def said(text: str) -> dict[str, str]:
    return {fact.entity: fact.value for fact in facts(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("I'm 16 and need a bed in Fresno", {"place": "fresno", "age": "16", "role": "youth", "help": "emergency_shelter"}),
    ("fresno i said", {"place": "fresno"}),
    ("shes 13 i already said", {"age": "13"}),
    ("94601", {"place": "94601"}),
    ("LA", {"place": "los angeles"}),
    ("What about LA?", {"place": "los angeles"}),
    ("anything in LA County", {"place": "los angeles"}),
    ("ok and SF", {"place": "san francisco"}),
    ("im in L.A.", {"place": "los angeles"}),
    ("im in the bay", {"place": "oakland"}),
    ("sixteen", {"age": "16"}),
    ("16yo", {"age": "16"}),
    ("92101 bed tonight 17", {"place": "92101", "age": "17", "help": "emergency_shelter"}),
    ("en los angeles, tengo 17 años", {"place": "los angeles", "age": "17"}),
    ("my 14 year old son ran away", {"age": "14", "role": "caregiver"}),
    ("I'm a school counselor, a student told me", {"role": "provider"}),
    ("my foster mom took my phone", {"role": "youth"}),
    ("i'm trans and need a shelter in sf", {"place": "san francisco", "help": "emergency_shelter",
                                           "gender": "lgbtq"}),
    ("stockton. is there somewhere i can go he wont find me", {"place": "stockton", "help": "emergency_shelter"}),
    ("any of them have showers and laundry", {"help": "drop_in"}),
    ("im burned out. 3 teens in my home and one keeps running", {"role": "caregiver"}),
    ("im a guy, 17, been sleepin at the bart station", {"age": "17", "gender": "male", "role": "youth"}),
    ("thinking about running away from my placement. its bad there", {"role": "youth"}),
    ("my new placement ran again last night", {"role": "caregiver"}),
    ("im nonbinary, 15, and my parents dont know", {"age": "15", "gender": "lgbtq", "role": "youth"}),
    ("my nephew is 19, aged out of foster care", {"age": "19", "role": "caregiver", "gender": "male"}),
    ("our foster daughter is only 14", {"age": "14", "role": "caregiver"}),
    # Professionals say who they are in their own shorthand (the first held-out conversations)
    ("I'm a high school counselor. A 16 year old told me", {"age": "16", "role": "provider"}),
    ("PO in kern county. my 16yo client just disclosed", {"place": "kern county", "age": "16", "role": "provider"}),
    ("school nurse here, a student has bruises", {"role": "provider"}),
    ("we're in east oakland. need somewhere she can go today", {"place": "oakland", "help": "emergency_shelter"}),
    ("where can i get tested for stds. im in oakland", {"place": "oakland", "help": "medical"}),
    ("is there somebody in san diego i can talk to", {"place": "san diego", "help": "mental_health"}),
    ("My little sister is 15 and I saw her in Anaheim", {"place": "anaheim", "age": "15"}),
    ("street outreach in santa ana. got a girl maybe 15", {"place": "santa ana", "age": "15", "role": "provider"}),
    ("long beach. 17. i just want a bed", {"place": "long beach", "age": "17", "help": "emergency_shelter"}),
    ("The oldest is 14 and a grown man talks to her online", {"age": "14"}),
    ("my dad said dont come back. im in sac idk where to sleep", {"place": "sacramento", "role": "youth",
                                                               "help": "emergency_shelter"}),
    # Held-out conversations, set o (read 2026-12-07 and moved to the tuning suite)
    ("I just got placement of my nephew, 16, through Monterey County. Looking for counseling for him in Monterey.",
     {"place": "monterey county", "age": "16", "role": "caregiver", "help": "mental_health", "gender": "male"}),
    ("my lil sis 17 lives w me now in oakland. she was w a pimp. is there somewhere for girls like her",
     {"place": "oakland", "age": "17", "role": "caregiver", "help": "trafficking_services", "gender": "female"}),
    ("We're in Vallejo and my landlord says he can't stay. Is there any place he can go?",
     {"place": "vallejo", "help": "emergency_shelter"}),
    ("ER nurse at Valley Med in SJ. 16yo pt brought in by an adult 'cousin'", {"place": "san jose", "age": "16",
                                                                             "role": "provider"}),
    ("Medical social worker at a hospital in Concord. 18 y/o patient just disclosed", {"place": "concord", "age": "18",
                                                                                       "role": "provider"}),
    ("my niece 13 lives w me in paso. an 'agent' saying he can get her modeling jobs",
     {"place": "paso robles", "age": "13", "role": "caregiver", "gender": "female"}),
    ("where can I send her for a full exam thats trauma informed", {"help": "medical"}),
    ("want to refer her to specialized services, whats near salinas", {"place": "salinas",
                                                                       "help": "trafficking_services"}),
    ("foster dad in santa cruz. we are wiped out. is there respite or support for us",
     {"place": "santa cruz", "role": "caregiver", "help": "caregiver_support"}),
    ("im in slo, 19. i just want someone to actually talk to", {"place": "san luis obispo", "age": "19",
                                                              "help": "mental_health"}),
    ("my granddaughter 15 left w a older man, taking her down to LA. we in fresno",
     {"place": "fresno", "age": "15", "role": "caregiver", "gender": "female"}),
    ("outreach wkr, need dropin near intl blvd oakland for 2 girls 15 & 16", {"place": "oakland", "age": "15",
                                                                             "help": "drop_in"}),
    ("beds for youth 18-24 in fresno", {"place": "fresno", "age": "18", "help": "emergency_shelter"}),
    ("is there like a drop in place in fruitvale where i can shower", {"place": "oakland", "help": "drop_in"}),
    ("ok send me some near natomas", {"place": "sacramento"}),
    ("oildale", {"place": "bakersfield"}),
    ("is there somewhere in hollywood i can just chill during the day and charge my phone",
     {"place": "los angeles", "help": "drop_in"}),
    ("if i did leave tho is there like a place in salinas. im 17",
     {"place": "salinas", "age": "17", "role": "youth", "help": "emergency_shelter"}),
    ("is there a place in fresno that does tattoo removal", {"place": "fresno"}),
    ("my daughter is getting texts from boys 18-20. shes 15", {"age": "15", "role": "caregiver", "gender": "female"}),
    ("im at the mission in fresno", {"place": "fresno"}),
    ("is there a place in riverside, she needs an abortion", {"place": "riverside"}),
])
def test_facts_people_state_are_found(text: str, expected: dict[str, str]):
    assert said(text) == expected


@pytest.mark.parametrize("text", [
    "i waited 15 minutes", "it was 20 bucks", "hope this helps", "my friend tracy is mad at me",
    "i have 10000 dollars", "call me at 5 pm", "he took me to vegas", "im at the park, 20, minutes away",
    "la la la", "my phone needs an SD card", "ESTOY EN LA CASA DE MI TIA", "my OC is so cute",
    "im worried about tracy",
    "idk where to go for help with my taxes", "po box 12", "we waited. 20. minutes", "it was like 14 years ago",
    "qué pasó", "my counselor said no", "he gets her modeling jobs",
    "im at the park, 20, minutes away", "i have 2 kids 3 and 5", "open 10-12", "the mission impossible movie",
    "guys 20-24 yo keep messaging her", "im at the park, 18 spots left",
])
def test_no_fact_is_invented_from_everyday_words(text: str):
    assert said(text) == {}


def test_a_child_is_not_given_an_age_by_a_distance_or_a_time():
    assert "age" not in said("my son is 5 minutes away") and "age" not in said("my client is 2 miles out")
    assert "age" not in said("my son 2 years ago") and "age" not in said("my niece 3 times this week")


def test_a_city_that_is_also_a_word_needs_a_preposition():
    assert "place" not in said("orange juice and a bed")
    assert said("i need a bed in orange")["place"] == "orange"


def test_clock_times_are_not_ages():
    assert "age" not in said("clinic near 90011 open at 10")


# The review of 2026-12-07's changes: what those patterns must not read into everyday messages.
@pytest.mark.parametrize(("text", "expected"), [
    # a young person's own words stay theirs
    ("my bro moved in with us, im 16 and my stepdad hits me", {"age": "16", "role": "youth"}),
    ("grandma here and i'm 15", {"age": "15", "role": "youth"}),
    ("my sister is staying with us, i need a shelter im 17", {"age": "17", "role": "youth",
                                                             "help": "emergency_shelter"}),
    ("my boy 21 wants me to work for him", {}),
    # the kind of help named wins over "anywhere i can go"
    ("is there anywhere i can go to get tested for stds in oakland", {"place": "oakland", "help": "medical"}),
    ("anywhere i could go for food in fresno", {"place": "fresno", "help": "food"}),
    ("need somewhere to shower and brush my teeth", {"help": "drop_in"}),
    ("can someone check up on my daughter", {"role": "caregiver", "gender": "female"}),
    ("is there support for me as a survivor", {}),
    # ages: of oneself first, never from a time or a count, never a grown cousin's
    ("my sister 19 and me 16 need a bed in oakland", {"place": "oakland", "age": "16", "help": "emergency_shelter"}),
    ("its late, 11. i need a bed in oakland", {"place": "oakland", "help": "emergency_shelter"}),
    ("11. cant sleep, he's outside again", {}),
    ("10. thats how many times he hit me", {}),
    ("my cousin 20 got me into this", {}),
    # where they are, not where they were
    ("bed in oakland? i ran from my placement near fresno", {"place": "oakland", "role": "youth",
                                                             "help": "emergency_shelter"}),
    ("need a bed in oakland, i grew up in fresno", {"place": "oakland", "help": "emergency_shelter"}),
    ("shelter in sacramento? my kids were in stockton", {"place": "sacramento", "help": "emergency_shelter"}),
])
def test_what_the_review_found_is_read_right(text: str, expected: dict[str, str]):
    assert said(text) == expected


# Spent set q (2026-12-07): a professional's shorthand, an area, a correction, an add-on, a parents' group.
@pytest.mark.parametrize(("text", "expected"), [
    ("Probation. Need survivor svcs for 16F, San Bernardino. Recent DMST recovery.",
     {"place": "san bernardino", "age": "16", "help": "trafficking_services"}),
    ("any support groups for parents whose kids were trafficked? riverside area",
     {"place": "riverside", "help": "caregiver_support"}),
    ("its showing stuff in LA?? i said pomona", {"place": "pomona"}),
    ("i said sac not stockton", {"place": "sacramento"}),
    ("no, sacramento is too far. im in stockton", {"place": "stockton"}),  # where they are wins
    ("i mean LA is too far, im in pomona", {"place": "pomona"}),
    ("ER SW. pt 15, disclosed she ran. Resources?", {"age": "15"}),
    ("17M on my caseload, suspect his cousin", {"age": "17", "role": "provider"}),
    ("My daughter (16) told me last night", {"age": "16", "role": "caregiver", "gender": "female"}),
    ("my homegirl keeps coming to school w new nails. she 15.", {"age": "15"}),
    ("what about a counselor there too", {"help": "mental_health"}),
    ("also trafficking-specific case mgmt same area", {"help": "trafficking_services"}),
    ("any csec specific ones tho", {"help": "trafficking_services"}),
    ("Also any services specifically for trafficking survivors?", {"help": "trafficking_services"}),
    ("PO riverside co juv. 16yo F", {"place": "riverside", "age": "16"}),
    ("Need emergency placement tonight, options in Bako?", {"place": "bakersfield", "help": "emergency_shelter"}),
    ("is there anywhere in hemet i could go if i really had to leave",
     {"place": "hemet", "help": "emergency_shelter"}),
    ("my dad said dont come back. im in sac idk where to go",
     {"place": "sacramento", "help": "emergency_shelter", "role": "youth"}),
    ("any support for relatives who take in kids? like classes or a group", {"help": "caregiver_support"}),
])
def test_shorthand_areas_and_corrections_are_read(text: str, expected: dict[str, str]):
    assert said(text) == expected


@pytest.mark.parametrize("text", ["he lives 15m away", "she ran 16m in the relay", "the river side area",
                                  "patient 15 minutes late", "he 16 minutes late", "she 100% knows",
                                  "he called 10 times", "brb 10m", "room 14F", "client 10 sessions in",
                                  "be patient 15 more mins", "pt 9/10 pain", "a nice area", "the lake area",
                                  "she is on a placement today with her aunt", "my co worker said so",
                                  "idk where to go for help with this", "he posted pics of me to sc",
                                  "someone from sc keeps dming me", "me and tracy co-parent",
                                  "mr davis co-signed my lease"])
def test_distances_and_word_areas_are_no_ages_or_places(text: str):
    assert said(text) == {}


@pytest.mark.parametrize(("text", "kind"), [
    ("are there programs for survivors of sexual assault near me", None),
    ("any services for survivors of domestic violence?", None),
    ("is there a class for parents on csec?", None),
    ("my mom goes to a support group for families of addicts, is there one for me", None),
])
def test_other_survivors_and_trainings_are_not_the_kinds_the_review_found(text: str, kind):
    assert said(text).get("help") == kind
