"""A problem document's findings land on the form that caused them; nothing the API said is lost."""

from portal.forms import Form
from portal.pages import local_path


def test_field_errors_go_beside_their_fields_and_the_rest_to_the_top():
    form = Form(("email", "display_name", "roles"))
    form.take_problem({"status": 422, "title": "The request has invalid fields", "errors": [
        {"field": "email", "location": "json", "message": "Not a valid email address."},
        {"field": "roles.0", "location": "json", "message": "Must be one of: expert."},
        {"field": "roles", "location": "json", "message": "Shorter than minimum length 1."},
        {"field": "password", "location": "json", "message": "Too short."},
        {"field": "_schema", "location": "json", "message": "Something about the whole."},
    ]})

    assert form.error("email") == "Not a valid email address."
    assert form.errors["roles"] == ["Must be one of: expert.", "Shorter than minimum length 1."]
    assert form.general_errors == ["password: Too short.", "Something about the whole."]
    assert [field for field, _ in form.summary()] == ["email", "roles", "roles", None, None]


def test_a_conflict_keeps_its_detail_and_the_allowed_next_states():
    form = Form(())
    form.take_problem({"status": 409, "detail": "Cannot go to 'deactivated' from 'deactivated'",
                       "allowed_next_states": []})

    assert form.general_errors == ["Cannot go to 'deactivated' from 'deactivated'"]
    assert form.allowed_next_states == []
    assert form.has_errors


def test_only_paths_of_this_site_are_followed_after_sign_in():
    assert local_path("/organisations/THA/people?page=2") == "/organisations/THA/people?page=2"
    for outside in ("https://evil.example.org/", "//evil.example.org/x", "/\\evil.example.org", "javascript:x", "",
                    None, "people"):
        assert local_path(outside) == "/"
