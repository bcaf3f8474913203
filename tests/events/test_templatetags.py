"""The `confman` template filters that isolate the event's own words (titles, names) from the
interface's sentences around them: `bdi` in markup, `isolate` where markup cannot go."""

from django.template import Context, Template
from django.utils.safestring import SafeString

from events.templatetags.confman import bdi, isolate


def render(source: str, **context) -> str:
    return Template("{% load i18n confman %}" + source).render(Context(context))


def test_bdi_wraps_the_value_in_a_bdi_element():
    assert bdi("Opening plenary") == "<bdi>Opening plenary</bdi>"
    assert isinstance(bdi("Opening plenary"), SafeString)


def test_bdi_escapes_the_value():
    html = render("{{ title|bdi }}", title='<script>alert("x")</script> & co')

    assert html == "<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</bdi>"


def test_bdi_does_not_escape_twice_what_is_already_safe():
    assert bdi(SafeString("R&amp;D")) == "<bdi>R&amp;D</bdi>"


def test_bdi_leaves_nothing_for_an_empty_value():
    assert bdi("") == ""
    assert bdi(None) == ""
    assert render("[{{ title|bdi }}]", title=None) == "[]"


def test_bdi_isolates_a_value_inside_a_translated_sentence_without_escaping_its_markup():
    html = render(
        "{% blocktranslate with title=title|bdi %}{{ title }} is live now.{% endblocktranslate %}",
        title="Q&A: what next?",
    )

    assert html == "<bdi>Q&amp;A: what next?</bdi> is live now."


def test_bdi_works_on_numbers_and_other_values():
    assert bdi(12) == "<bdi>12</bdi>"


def test_isolate_wraps_the_value_in_unicode_isolates_and_is_escaped_on_output():
    assert isolate("Hall A") == "\u2068Hall A\u2069"
    assert isolate("") == ""
    assert isolate(None) == ""
    html = render("<option>{{ name|isolate }}</option>", name="Ngozi <Okafor>")

    assert html == "<option>\u2068Ngozi &lt;Okafor&gt;\u2069</option>"
