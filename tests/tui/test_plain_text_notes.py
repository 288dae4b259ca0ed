"""Issue 11 item 15: user text in the chat's notifications and notes is never
markup, so a path like 'notes[/]' cannot crash it and '[@click=app.quit]'
cannot act."""

import pytest

from assistant.tui.widgets import Note

from helpers.tui import ask, make_app, service, settle


@pytest.mark.parametrize("name", ["notes[/]", "x[@click=app.quit]y[/]"])
async def test_markup_in_an_error_message_is_shown_as_text(tmp_path, name):
    svc = service(tmp_path / "empty")
    missing = str(tmp_path / name)  # indexing it fails with a message that names it
    app = make_app(svc, paths=[missing])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:  # toasts rendered
        await settle(pilot)
        await ask(pilot, "siapa yang datang?")  # accepts the offer to build from the path
        assert app.is_running
        notes = [n.content.plain for n in app.query(Note)]
        assert any(missing in n for n in notes), notes
        from textual.widgets._toast import Toast

        await pilot.pause()
        toasts = [t.render() for t in app.screen.query(Toast)]  # rendering markup would raise
        assert any(missing in str(t) for t in toasts), toasts
        assert app.is_running
