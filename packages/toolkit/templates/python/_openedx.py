"""A bridge to openedx-events: the data classes as its attrs data objects and back, so that a Django
service can hand an event read from the bus to the signal receivers it already has, or send one it
received. Install ``eventcanon-openedx-events[openedx]``; openedx-events is imported on first use.

Values keep their meaning exactly: opaque keys become ``CourseKey`` / ``UsageKey`` objects (through
openedx-events' own custom serializers), and a falsy value (``False``, ``0``, ``""``, ``[]``) stays
what it is, even where the attrs class has a default (openedx-events' Avro deserializer puts the
default there instead).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Mapping, Type, TypeVar, Union, cast, get_args, get_origin

from ._avro import EventData

E = TypeVar("E", bound=EventData)


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(f"the openedx-events bridge needs openedx-events: pip install 'eventcanon-openedx-events[openedx]' ({error})") from None


def _signal(event_type: str) -> Any:
    signal_class = _module("openedx_events.tooling").OpenEdxPublicSignal
    try:
        return signal_class.get_signal_by_type(event_type)
    except KeyError:
        # Signals register when their modules are imported; a service may not have imported this one.
        _module("openedx_events.tooling").load_all_signals()
        try:
            return signal_class.get_signal_by_type(event_type)
        except KeyError:
            raise ValueError(f"{event_type}: openedx-events has no signal for this event type") from None


def _deserializers() -> Mapping[Any, Callable[[Any], Any]]:
    custom = _module("openedx_events.event_bus.avro.custom_serializers")
    return {serializer.cls: serializer.deserialize for serializer in custom.DEFAULT_CUSTOM_SERIALIZERS}


def _build(value: Any, kind: Any, deserializers: Mapping[Any, Callable[[Any], Any]], path: str) -> Any:
    """The openedx-events value of ``kind`` for a JSON-form value (what to_dict gives)."""
    if value is None:
        return None
    origin = get_origin(kind)
    if origin is Union:
        inner = [arg for arg in get_args(kind) if arg is not type(None)]
        return _build(value, inner[0], deserializers, path) if len(inner) == 1 else value
    deserialize = deserializers.get(kind)
    if deserialize is not None:
        return deserialize(value)
    if origin is list:
        (item,) = get_args(kind) or (Any,)
        return [_build(v, item, deserializers, f"{path}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        item = (get_args(kind) or (str, Any))[1]
        return {k: _build(v, item, deserializers, f"{path}[{k!r}]") for k, v in cast(Dict[str, Any], value).items()}
    attributes = getattr(kind, "__attrs_attrs__", None)
    if attributes is not None:
        record = cast(Dict[str, Any], value)
        unknown = sorted(set(record) - {a.name for a in attributes})
        if unknown:
            raise ValueError(f"{path}: {kind.__name__} (openedx-events) has no field {unknown[0]!r}")
        # Every field present in our form is passed, falsy or not: a default applies only to what is absent.
        return kind(**{a.name: _build(record[a.name], a.type, deserializers, f"{path}.{a.name}") for a in attributes if a.name in record})
    return value


def to_openedx(event: EventData) -> Dict[str, Any]:
    """The event as openedx-events' signal sends it: ``{data key: attrs data object}``, e.g.
    ``signal.send_event(**to_openedx(event))``."""
    return _build_event(event.to_dict(), _signal(event.EVENT_TYPE), type(event).__name__)


def _build_event(data: Mapping[str, Any], signal: Any, name: str = "event") -> Dict[str, Any]:
    """The signal's event data for an event's JSON form."""
    deserializers = _deserializers()
    init_data: Mapping[str, Any] = signal.init_data
    missing = sorted(set(init_data) - set(data))
    if missing:
        raise ValueError(f"{signal.event_type}: the signal's data key {missing[0]!r} is not a field of {name}")
    return {key: _build(data[key], kind, deserializers, f"{name}.{key}") for key, kind in init_data.items()}


def from_openedx(data_class: Type[E], data: Mapping[str, Any]) -> E:
    """The data class's value for what a signal receiver gets (``{data key: attrs data object}``, the
    other keyword arguments of the signal ignored); ValueError names a field that does not fit."""
    signal = _signal(getattr(data_class, "EVENT_TYPE"))
    serializer = _module("openedx_events.event_bus.avro.serializer").AvroSignalSerializer(signal)
    # openedx-events' own serializer gives the wire form (opaque keys and datetimes as strings), which
    # from_dict checks and converts as it does any JSON form.
    wire: Dict[str, Any] = serializer.to_dict({key: data[key] for key in signal.init_data if key in data})
    value: E = getattr(data_class, "from_dict")(wire)
    return value
