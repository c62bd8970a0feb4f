"""The filter language: a small, safe boolean expression over a document and its attributes.

```text
quality__word_count_v1__words >= 50 and not dedupe__bloom__duplicate
covered(pii__presidio__email) < 0.1 and metadata.url not in ("", "about:blank")
"wikipedia" in metadata.url or length > 2000
```

Parsing uses Python's `ast` module (``mode="eval"``) and then walks a strict whitelist of node
types; nothing is ever evaluated by Python. Whitelisted: ``and or not``, comparisons (chained
too) ``== != < <= > >= in not in``, ``+ - * /``, number/string/bool literals, tuples or lists of
literals (right of ``in``), names and the functions below. Anything else is a `ConfigError` that
names the column. The expression compiles into closures once per process.

Long because the language is one unit: its grammar, its checks and its evaluation change together.

Names
    ``id``, ``source``, ``length`` (code points of the text), ``added``, ``created``,
    ``metadata.<key>[.<key>...]``.
    Attributes: the full key ``<run>__<tagger>__<key>`` (``<run>`` one of the stream's attribute
    runs), or the short form ``<tagger>__<key>``, which means ``<run>__<tagger>__<key>`` for
    whichever of the stream's runs has it (present in two runs for one document: an error).
    ``attr("any key")`` names a key that is not a Python identifier.

Values of an attribute (a list of ``[start, end, score]`` spans)
    In a number context, its document-level value: the score of the first span covering the
    whole text, else of the first span; no spans means no value (the ``missing`` rule).
    In a boolean context (``not x``, ``x and ...``): whether that value is non-zero; no spans
    is ``False``.
    ``any(x)`` some span has a non-zero score; ``count(x)`` number of spans; ``sum``/``max``/
    ``min(x)`` of the scores (``max``/``min`` of no spans: no value); ``covered(x)`` fraction of
    the text's code points inside at least one span (0 for an empty text); ``exists(x)`` whether
    the key (or metadata field) is there at all, never subject to the missing rule.
    A score is a number, or a string for a few keys (the survivor id of a MinHash
    ``__survivor``): a string compares with ``== != in`` (non-empty is true); arithmetic,
    ``<``-style comparisons with a number and ``sum``/``max``/``min`` of one are a ``wrong_type``
    error naming ``file:line``.

Numbers
    Integers and floats compare as numbers (``1 == 1.0``; numeric scores are floats in attribute files).
    ``x / 0`` has no value.

Missing values (``missing``: ``fail`` | ``false`` | a number)
    A value is missing when its key is absent from the document's attributes (or metadata),
    or when an attribute with no spans is used as a number. ``fail`` stops with ``file:line``;
    ``false`` makes every comparison and arithmetic touching it false / missing, so
    ``not (x > 5)`` is true for a document without ``x``; a number replaces the missing value
    (aggregations of an absent key then see no spans: ``count`` 0, ``covered`` 0, ``max`` the
    number).
"""

from __future__ import annotations

import ast
import dataclasses
import operator
from collections.abc import Callable, Sequence
from typing import Any

from dolma_tools.errors import ConfigError

MissingRule = str | float
"""``"fail"``, ``"false"``, or the number that replaces a missing value."""


class _Missing:
    """The absent value under ``missing: false``."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class EvalError(Exception):
    """A document cannot be evaluated (missing attribute under ``fail``, ambiguous key ...)."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


@dataclasses.dataclass(frozen=True)
class Context:
    """What an expression sees of one document."""

    doc: Any
    attributes: dict[str, list]
    length: int


Evaluator = Callable[[Context], Any]
FIELDS = ("id", "source", "length", "added", "created")
AGGREGATIONS = ("any", "count", "sum", "max", "min", "covered")
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
_NUM, _STR, _ANY = "number", "string", "any"
_OPERATOR_NAMES = {ast.RShift: ">>", ast.LShift: "<<", ast.Pow: "**", ast.Mod: "%", ast.FloorDiv: "//",
                   ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.MatMult: "@"}


def _error(text: str, node: ast.AST | None, message: str) -> ConfigError:
    column = getattr(node, "col_offset", 0) if node is not None else 0
    return ConfigError(f"filter {text!r}, position {column + 1}: {message}\n    {text}\n    {' ' * column}^")


@dataclasses.dataclass(frozen=True)
class AttributeRef:
    """An attribute name resolved to the full keys it may stand for."""

    name: str
    candidates: tuple[str, ...]

    def spans(self, attributes: dict[str, list]) -> list | None:
        """The spans of this attribute in one document, or ``None`` when it is absent."""
        found = None
        for key in self.candidates:
            spans = attributes.get(key)
            if spans is not None:
                if found is not None:
                    raise EvalError("ambiguous_attribute", f"{self.name!r} is in more than one attribute run; use the full key")
                found = spans
        return found


def resolve_attribute(name: str, runs: Sequence[str]) -> AttributeRef:
    """Turn a full (``run__tagger__key``) or short (``tagger__key``) name into candidate keys."""
    if name.split("__", 1)[0] in runs and name.count("__") >= 2:
        return AttributeRef(name, (name,))
    return AttributeRef(name, tuple(f"{run}__{name}" for run in runs))


def document_value(spans: list, length: int) -> Any:
    """The document-level value of a span list (see the module docstring)."""
    if not spans:
        return MISSING
    for start, end, score in spans:
        if start <= 0 and end >= length:
            return score
    return spans[0][2]


def covered_fraction(spans: list, length: int) -> float:
    """Fraction of ``[0, length)`` inside the union of the spans."""
    if length <= 0 or not spans:
        return 0.0
    total, reach = 0, 0
    for start, end, _ in sorted(spans):
        start, end = max(start, reach, 0), min(end, length)
        if end > start:
            total += end - start
            reach = end
    return total / length


def _numbers(spans: list, function: str) -> list:
    """The scores of ``spans``, which ``function`` needs to be numbers (a survivor id is a string)."""
    scores = [s[2] for s in spans]
    text = next((score for score in scores if isinstance(score, str)), None)
    if text is not None:
        raise EvalError("wrong_type", f"{function}() needs number scores, this attribute has strings ({text!r}, ...)")
    return scores


_AGGREGATE: dict[str, Callable[[list, int], Any]] = {
    "any": lambda spans, _: any(bool(s[2]) for s in spans),
    "count": lambda spans, _: len(spans),
    "sum": lambda spans, _: float(sum(_numbers(spans, "sum"))),
    "max": lambda spans, _: max(_numbers(spans, "max"), default=MISSING),
    "min": lambda spans, _: min(_numbers(spans, "min"), default=MISSING),
    "covered": covered_fraction,
}


class Filter:
    """A compiled filter; call it with a `Context` to get ``True`` (keep) or ``False``."""

    def __init__(self, text: str, runs: Sequence[str], missing: MissingRule = "fail") -> None:
        self.text = text
        self.runs = tuple(runs)
        self.missing = missing
        self.references: list[AttributeRef] = []
        """The attributes the filter names, in order (config validation checks that they exist)."""
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            column = exc.offset - 1 if exc.offset else len(text.strip())  # 0: at the end of the input
            raise _error(text.strip(), ast.Constant(0, col_offset=column), f"syntax error: {exc.msg}") from None
        self._text = text.strip()
        self._root, kind = self._compile(tree.body, boolean=True)
        if kind == _STR:
            raise _error(self._text, tree.body, "the filter is a string, not a condition")

    def __call__(self, ctx: Context) -> bool:
        value = self._root(ctx)
        return value is not MISSING and bool(value)

    # -- compilation: each method returns (evaluator, static type) --

    def _compile(self, node: ast.AST, boolean: bool = False) -> tuple[Evaluator, str]:
        if isinstance(node, ast.BoolOp):
            parts = [self._compile(v, boolean=True)[0] for v in node.values]
            if isinstance(node.op, ast.And):
                return (lambda ctx: all(_truth(p(ctx)) for p in parts)), "bool"
            return (lambda ctx: any(_truth(p(ctx)) for p in parts)), "bool"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                inner = self._compile(node.operand, boolean=True)[0]
                return (lambda ctx: not _truth(inner(ctx))), "bool"
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                inner, kind = self._compile(node.operand)
                self._expect_number(node.operand, kind)
                sign = -1 if isinstance(node.op, ast.USub) else 1
                return (lambda ctx: _arith(operator.mul, sign, inner(ctx))), _NUM
        if isinstance(node, ast.BinOp) and type(node.op) in (*_ARITHMETIC, ast.Div):
            left, left_kind = self._compile(node.left)
            right, right_kind = self._compile(node.right)
            self._expect_number(node.left, left_kind)
            self._expect_number(node.right, right_kind)
            op = _divide if isinstance(node.op, ast.Div) else _ARITHMETIC[type(node.op)]
            return (lambda ctx: _arith(op, left(ctx), right(ctx))), _NUM
        if isinstance(node, ast.BinOp):
            raise _error(self._text, self._operator_at(node.left), f"operator {_OPERATOR_NAMES.get(type(node.op), '?')!r} is not allowed")
        if isinstance(node, ast.Compare):
            return self._compile_compare(node), "bool"
        if isinstance(node, ast.Constant) and type(node.value) in (int, float, str, bool):
            value = node.value
            return (lambda ctx: value), (_STR if isinstance(value, str) else _NUM)
        if isinstance(node, ast.Call):
            return self._compile_call(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._compile_name(node, boolean)
        raise _error(self._text, node, f"{_describe(node)} is not allowed in a filter")

    def _compile_compare(self, node: ast.Compare) -> Evaluator:
        steps: list[tuple[Callable, Evaluator, Evaluator]] = []
        left, left_kind = self._compile(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                right, right_kind = self._compile_container(right_node)
                check = _contains if isinstance(op, ast.In) else _not_contains
            elif type(op) in _COMPARE:
                right, right_kind = self._compile(right_node)
                if _NUM in (left_kind, right_kind) and _STR in (left_kind, right_kind):
                    raise _error(self._text, right_node, "compares a number with a string")
                check = _compare(_COMPARE[type(op)])
            else:
                raise _error(self._text, self._operator_at(node.left), f"operator {type(op).__name__!r} is not allowed")
            steps.append((check, left, right))
            left, left_kind = right, right_kind

        def evaluate(ctx: Context) -> bool:
            for check, lhs, rhs in steps:
                if not check(lhs(ctx), rhs(ctx)):
                    return False
            return True

        return evaluate

    def _compile_container(self, node: ast.AST) -> tuple[Evaluator, str]:
        if isinstance(node, (ast.Tuple, ast.List)):
            values = []
            for element in node.elts:
                if not (isinstance(element, ast.Constant) and type(element.value) in (int, float, str, bool)):
                    raise _error(self._text, element, "a list after 'in' may hold only literals")
                values.append(element.value)
            frozen = frozenset(values)
            return (lambda ctx: frozen), "set"
        return self._compile(node)

    def _compile_call(self, node: ast.Call) -> tuple[Evaluator, str]:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in (*AGGREGATIONS, "exists", "attr"):
            raise _error(self._text, node, f"unknown function {name or _describe(node.func)!r}; "
                         f"functions: {', '.join((*AGGREGATIONS, 'exists', 'attr'))}")
        if node.keywords or len(node.args) != 1:
            raise _error(self._text, node, f"{name}() takes exactly one argument")
        (arg,) = node.args
        if name == "attr":
            return self._value_of(self._attribute_arg(arg), boolean=False)
        if name == "exists":
            if isinstance(arg, (ast.Name, ast.Attribute)) and _dotted(arg)[0] == "metadata":
                path = _dotted(arg)[1:]
                return (lambda ctx: _metadata(ctx.doc, path) is not MISSING), "bool"
            ref = self._attribute_arg(arg)
            return (lambda ctx: ref.spans(ctx.attributes) is not None), "bool"
        ref = self._attribute_arg(arg)
        aggregate = _AGGREGATE[name]
        absent = self._absent

        def evaluate(ctx: Context) -> Any:
            spans = ref.spans(ctx.attributes)
            if spans is None:
                absent(ref.name)
                spans = []
            return self._present(aggregate(spans, ctx.length), ref.name)

        return evaluate, (_NUM if name != "any" else "bool")

    def _attribute_arg(self, node: ast.AST) -> AttributeRef:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "attr":
            node = node.args[0] if len(node.args) == 1 and not node.keywords else node
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        elif isinstance(node, ast.Name) and "__" in node.id:
            name = node.id
        else:
            raise _error(self._text, node, "expected an attribute name (run__tagger__key, tagger__key or attr('...'))")
        if not self.runs:
            raise _error(self._text, node, f"attribute {name!r} used, but the stream lists no attribute runs")
        ref = resolve_attribute(name, self.runs)
        self.references.append(ref)
        return ref

    def _compile_name(self, node: ast.AST, boolean: bool) -> tuple[Evaluator, str]:
        parts = _dotted(node)
        if parts is None:
            raise _error(self._text, node, f"{_describe(node)} is not allowed in a filter")
        if parts[0] == "metadata" and len(parts) > 1:
            path = parts[1:]
            present = self._present
            return (lambda ctx: present(_metadata(ctx.doc, path), ".".join(parts))), _ANY
        if len(parts) == 1 and parts[0] in FIELDS:
            field = parts[0]
            if field == "length":
                return (lambda ctx: ctx.length), _NUM
            present = self._present
            return (lambda ctx: present(getattr(ctx.doc, field), field)), _STR
        if len(parts) == 1 and "__" in parts[0]:
            return self._value_of(self._attribute_arg(node), boolean)
        raise _error(self._text, node, f"unknown name {'.'.join(parts)!r}; names: {', '.join(FIELDS)}, "
                     "metadata.<key>, or attributes as run__tagger__key / tagger__key")

    def _value_of(self, ref: AttributeRef, boolean: bool) -> tuple[Evaluator, str]:
        absent, present = self._absent, self._present
        if boolean:
            def flag(ctx: Context) -> Any:
                spans = ref.spans(ctx.attributes)
                if spans is None:
                    return absent(ref.name)
                return _truth(document_value(spans, ctx.length))

            return flag, "bool"

        def value(ctx: Context) -> Any:
            spans = ref.spans(ctx.attributes)
            if spans is None:
                return absent(ref.name)
            return present(document_value(spans, ctx.length), ref.name)

        return value, _ANY  # a number, or a string (a survivor id)

    def _absent(self, name: str) -> Any:
        """What an absent key evaluates to under the missing rule."""
        if self.missing == "fail":
            raise EvalError("missing_attribute", f"{name!r} is not in this document's attributes (missing: fail)")
        return MISSING if self.missing == "false" else self.missing

    def _present(self, value: Any, name: str) -> Any:
        if value is MISSING or value is None:
            if self.missing == "fail":
                raise EvalError("missing_value", f"{name!r} has no value for this document (missing: fail)")
            return MISSING if self.missing == "false" else self.missing
        return value

    def _operator_at(self, left: ast.AST) -> ast.AST:
        """A stand-in node at the operator after ``left`` (ast gives operators no position)."""
        column = getattr(left, "end_col_offset", 0) or 0
        while column < len(self._text) and self._text[column] in " )":
            column += 1
        return ast.Constant(0, col_offset=column)

    def _expect_number(self, node: ast.AST, kind: str) -> None:
        if kind == _STR:
            raise _error(self._text, node, "arithmetic needs numbers, this is a string")


def _dotted(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else [*head, node.attr]
    return None


def _describe(node: ast.AST) -> str:
    return {ast.Call: "a call", ast.Subscript: "indexing", ast.Lambda: "lambda", ast.IfExp: "if-else",
            ast.Attribute: "attribute access"}.get(type(node), f"'{type(node).__name__}'")


def _metadata(doc: Any, path: Sequence[str]) -> Any:
    node = doc.metadata
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return MISSING
        node = node[key]
    return MISSING if node is None else node


def _truth(value: Any) -> bool:
    return value is not MISSING and bool(value)


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(left: Any, right: Any) -> bool:
        if left is MISSING or right is MISSING:
            return False
        if isinstance(left, str) != isinstance(right, str):
            if op is operator.eq:
                return False
            if op is operator.ne:
                return True
            raise EvalError("wrong_type", f"cannot compare {left!r} with {right!r}")
        return op(left, right)

    return check


def _contains(item: Any, container: Any) -> bool:
    if item is MISSING or container is MISSING:
        return False
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, frozenset):
        return item in container
    raise EvalError("wrong_type", f"'in' needs a string or a list on its right, got {container!r}")


def _not_contains(item: Any, container: Any) -> bool:
    if item is MISSING or container is MISSING:
        return False
    return not _contains(item, container)


def _arith(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if left is MISSING or right is MISSING:
        return MISSING
    if isinstance(left, str) or isinstance(right, str):
        raise EvalError("wrong_type", f"arithmetic on a string ({left!r}, {right!r})")
    return op(left, right)


def _divide(left: Any, right: Any) -> Any:
    return MISSING if right == 0 else left / right
