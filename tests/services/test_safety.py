"""The wording checks, on the real configuration: phrasings people really use must read as a
crisis, and ordinary sentences must not; unkind replies pause, kind ones (and quotes, negations,
what a parent says of herself) go straight up."""

import pytest

from forum.services import safety

CRISIS = [
    "I just want to disappear",
    "Honestly I don't want to be here",
    "i dont want to be here anymore",
    "I keep thinking about ending it",
    "I wish I could not wake up tomorrow",
    "Some nights I wish I wouldn't wake up",
    "everyone would be better off without me",
    "Everyone’s better off without me",
    "I keep thinking about taking all my pills",
    "I'm scared I might hurt her",
    "I’m terrified I’ll hurt my baby when she won’t stop crying",
    "I have thoughts of hurting him and it frightens me",
    "I can't do this anymore",
    "I want to kill myself",
    "ＳＵＩＣＩＤＡＬ thoughts again",  # fullwidth, as some keyboards type it
    "I want to end it all",
]
ORDINARY = [
    "I just want this week to end",
    "I want to be here for her first steps",
    "She did not wake up until 7, bliss",
    "I am going to end it with the childminder and find a nursery",
    "I did not wake up in time for the school run",
    "I wish I could wake up later on Saturdays",
    "My pills for the headache are in the car",
    "It hurt her feelings when I left",
    "We took all the toys to the charity shop",
    "I was scared I might be late",
]


@pytest.mark.parametrize("text", CRISIS)
def test_real_world_phrasings_read_as_a_crisis(app, text):
    assert safety.mentions_crisis(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_sentences_do_not_read_as_a_crisis(app, text):
    assert not safety.mentions_crisis(text)


UNKIND = [
    ("You are a bad mother if you leave her that long.", ["bad mother"]),
    ("Honestly, you should have thought about that before.", ["you should have"]),
    ("That's just selfish.", ["selfish"]),
    ("Stop whining, we all did it.", ["stop whining"]),
    ("You chose this. Get over it.", ["get over it", "you chose this"]),
]
KIND = [
    "You're not a bad mother. You're a tired one.",
    "You are NOT a bad mum, and nobody here thinks so.",
    "I felt like a bad mum for weeks after I went back.",
    "I'm a terrible mother some mornings too, or I feel it.",
    "You should have seen her face when I picked her up!",
    "> you should have stayed home\nNobody gets to say that to you. Hugs.",
    "Have a lazy day with her this weekend.",
    "It's not selfish of me to want my job, is it? It isn't for you either.",
]


@pytest.mark.parametrize(("text", "words"), UNKIND)
def test_unkind_replies_pause_and_say_which_words(app, text, words):
    assert sorted(safety.unkind_words(text)) == sorted(words)
    assert safety.sounds_unkind(text)


@pytest.mark.parametrize("text", KIND)
def test_kind_replies_quotes_negations_and_self_talk_go_straight_up(app, text):
    assert safety.unkind_words(text) == []
