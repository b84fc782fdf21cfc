"""Help that reads well: ``RUN`` and ``INPUTS...`` in usage lines, no ``<str>``/``<bool>`` type labels, choices listed.

Typer (0.29) prints each parameter's Python type in angle brackets and wraps required
arguments in braces (``{run}``). ``ReadableGroup`` is the root group's class: when the
command tree is built it gives every parameter of every command (groups added by
``add_typer`` included) a subclass that shows a value name instead: the metavar if one
is set, the choices for an Enum, nothing for a flag, else ``TEXT``/``PATH``/``N``/``NUMBER``.
Help strings must not carry ``[...]`` (Rich reads it as markup and drops it): write
"(default: ...)" instead; ``tests/cli/test_help.py`` checks every command's help.
"""

from __future__ import annotations

from typing import Any

from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

_TYPE_NAMES = {"str": "TEXT", "Path": "PATH", "int": "N", "int range": "N", "float": "NUMBER", "float range": "NUMBER"}


def _value_name(param: TyperArgument | TyperOption, ctx: _click.Context) -> str:
    """What a parameter's value is called in help: the metavar, the choices, or a plain word for its type."""
    if param.metavar is not None:
        return param.metavar
    label = TyperOption.display_type(param, ctx).strip("<>")
    if param.type_descriptor.is_choice:
        return label.removeprefix("list[").removesuffix("]")
    bare = label.removeprefix("list[").removesuffix("]")
    return _TYPE_NAMES.get(bare, bare.upper())


class _Argument(TyperArgument):
    """An argument shown as ``RUN`` / ``INPUTS...`` with no type label."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


class _Option(TyperOption):
    """An option shown with a value name (or nothing, for a flag) instead of a type label."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        name = _value_name(self, ctx)
        return name + ("..." if self.multiple else "")


def readable_help(command: _click.Command) -> None:
    """Give ``command``'s parameters (and its subcommands', recursively) the readable help classes."""
    help_option = command.get_help_option(_click.Context(command))
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption:
            param.__class__ = _Option
    for sub in getattr(command, "commands", {}).values():
        readable_help(sub)


class ReadableGroup(TyperGroup):
    """The root ``stance`` group: applies ``readable_help`` to the whole command tree once it is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        readable_help(self)
