"""The shared lexicon: names with genders (gender-guesser), titles (nameparser), countries (pycountry)."""

from shared.lexicon import names, places, speech, titles, vocabulary


def test_gender_of_common_first_names():
    assert names.gender_of_first_name("Margaret") == "f"
    assert names.gender_of_first_name("Robert") == "m"
    assert names.gender_of_first_name("Xqzv") is None


def test_mostly_gendered_names_are_not_sure():
    g, sure = names.first_name_gender("Robert")
    assert (g, sure) == ("m", True)
    assert names.first_name_gender("Xqzv") == (None, False)


def test_common_given_names_are_frequent_in_english_speaking_countries():
    assert names.is_common_given_name("john")
    assert names.is_common_given_name("Mary")
    assert not names.is_common_given_name("bridge")


def test_titles_come_from_nameparser_with_gendered_ones():
    assert titles.is_title("Senator") and titles.is_title("Dr.") and titles.is_title("Sen.")
    assert not titles.is_title("bridge")
    assert titles.title_gender("Mrs") == "f" and titles.title_gender("Sir") == "m"
    assert titles.title_gender("Dr") is None


def test_countries_from_pycountry_and_everyday_names():
    for name in ("france", "brazil", "united states", "russia", "wales", "south korea", "cote d'ivoire"):
        assert name in places.COUNTRIES, name
    assert vocabulary.COUNTRIES is places.COUNTRIES
    assert "bridge" not in places.COUNTRIES


def test_speech_verbs_exclude_beliefs_questions_and_intentions():
    for verb in ("said", "told", "denied", "warned", "argued", "insisted"):
        assert verb in speech.REPORTING_VERBS
    for verb in ("believes", "thinks", "asked", "wondered", "promised", "plans", "wants"):
        assert verb not in speech.REPORTING_VERBS
    assert speech.PARTICIPLES <= speech.REPORTING_VERBS
    assert speech.BARE_CLAUSE <= speech.REPORTING_VERBS


def test_fast_name_index_agrees_with_gender_guessers_own_detector():
    import gender_guesser.detector as detector

    ref = detector.Detector(case_sensitive=False)
    fast = names._detector()
    assert set(fast.names) == set(ref.names)
    for name in ("maria", "john", "kim", "andrea", "jean-pierre", "ali"):
        assert fast.get_gender(name) == ref.get_gender(name), name
