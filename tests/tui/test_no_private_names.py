"""Our Textual subclasses must not shadow the framework's private names: the
chat's `_end_update` once replaced Textual's own end-of-frame hook, so every
repaint hid the update bar. Headless Pilot runs did not show it."""

import inspect
import re

from textual.app import App
from textual.dom import DOMNode

from assistant.tui import app as app_module
from assistant.tui import chat_screen, screens, widgets


def _our_classes():
    for module in (app_module, chat_screen, screens, widgets):
        for cls in vars(module).values():
            if (inspect.isclass(cls) and issubclass(cls, DOMNode)
                    and cls.__module__.startswith("assistant.")):
                yield cls


def _framework_bases(cls):
    return [b for b in cls.__mro__[1:] if not b.__module__.startswith("assistant.")]


def _shadowed(own: set[str], cls) -> set[str]:
    """Our own `_names` that a framework base class also has."""
    # Textual's metaclass gives every subclass some private class attributes of
    # its own (_css_type_name, _merged_bindings, ...): those are not ours.
    bare = set(vars(type("Bare", (cls.__mro__[1],), {})))
    mine = {n for n in own if n.startswith("_") and not n.startswith("__")} - bare
    return {n for n in mine if any(hasattr(b, n) for b in _framework_bases(cls))}


def test_no_class_attribute_shadows_a_framework_name():
    checked = list(_our_classes())
    assert app_module.AssistantApp in checked and widgets.QuestionInput in checked
    clashes = {f"{cls.__name__}.{n}" for cls in checked for n in _shadowed(set(vars(cls)), cls)}
    assert not clashes, f"rename these, they shadow Textual's private names: {sorted(clashes)}"


def _assigned_private_names(cls) -> set[str]:
    """`self._x = ...` in the class's own code: the framework may set the same name."""
    source = inspect.getsource(cls)
    return set(re.findall(r"self\.(_[A-Za-z]\w*)\s*(?::[^=\n]+)?=(?!=)", source))


def test_no_instance_attribute_shadows_a_framework_name():
    # What the framework's own code sets on self, read from its source: making
    # an App or a widget here would leave state behind for later tests.
    clashes = set()
    for cls in _our_classes():
        bases = _framework_bases(cls)
        theirs = set().union(*(_assigned_private_names(b) for b in bases
                               if b.__module__.startswith("textual")))
        for n in _assigned_private_names(cls):
            if n in theirs or any(hasattr(b, n) for b in bases):
                clashes.add(f"{cls.__name__}.{n}")
    assert not clashes, sorted(clashes)


def test_the_check_sees_a_shadowing_name():
    class Bad(App):
        def _end_update(self) -> None:
            pass

    assert _shadowed(set(vars(Bad)), Bad) == {"_end_update"}
    assert "_index_info" in _assigned_private_names(chat_screen.ChatScreen)
    assert "_exit_renderables" in _assigned_private_names(App)
