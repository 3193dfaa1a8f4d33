from harbor.core.more_pages import has_more_prompt, next_page, next_page_name, split_page_name


def test_first_page_has_number_one():
    assert split_page_name("utter_ask_warning_signs") == ("utter_ask_warning_signs", 1)


def test_numbered_pages():
    assert split_page_name("utter_ask_warning_signs_3") == ("utter_ask_warning_signs", 3)
    assert split_page_name("utter_x_12") == ("utter_x", 12)


def test_next_page_names():
    assert next_page_name("utter_a") == "utter_a_2"
    assert next_page_name("utter_a_2") == "utter_a_3"


def test_next_page_only_when_it_exists():
    available = {"utter_a", "utter_a_2"}
    assert next_page("utter_a", available) == "utter_a_2"
    assert next_page("utter_a_2", available) is None
    assert next_page("utter_b", available) is None


def test_more_prompt_detection():
    assert has_more_prompt("... Reply MORE")
    assert not has_more_prompt("That's all.")
