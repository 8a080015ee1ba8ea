from valorrepl.i18n import _, detect_language, missing_translations, parse_po, set_language


def runtime_messages(session):
    """Command summaries and option help: English in the code, translated where shown."""
    messages = []
    for cmd in session.commands:
        messages.append(cmd.summary)
        messages += [opt.settings.get("help", "") for opt in cmd.options]
    return messages


def test_every_message_has_a_portuguese_translation(session):
    missing = missing_translations("pt", runtime_messages(session))
    assert not missing, "no pt translation for:\n" + "\n".join(f"  {w}: {m!r}" for m, w in missing.items())


def test_language_choice_order():
    assert detect_language("pt", {"VALORREPL_LANG": "en"}) == "pt"
    assert detect_language(None, {"VALORREPL_LANG": "pt", "LANG": "en_US.UTF-8"}) == "pt"
    assert detect_language(None, {"LANG": "pt_BR.UTF-8"}) == "pt"
    assert detect_language(None, {"LANG": "de_DE.UTF-8"}) == "en"
    assert detect_language(None, {}) == "en"


def test_portuguese_messages_in_the_session(run):
    set_language("pt")
    try:
        assert "Você quis dizer :grad" in run(":gard c")
        assert "Exemplo:" in run(":help grad")
    finally:
        set_language("en")
    assert _("Example:") == "Example:"


def test_po_parser_reads_multiline_and_skips_fuzzy():
    text = 'msgid "a"\nmsgstr ""\n"b"\n"c"\n\n#, fuzzy\nmsgid "x"\nmsgstr "y"\n'
    assert parse_po(text) == {"a": "bc"}
