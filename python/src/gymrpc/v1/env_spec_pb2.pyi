from google.protobuf import struct_pb2 as _struct_pb2
from gymrpc.v1 import space_pb2 as _space_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ConfigFieldType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONFIG_FIELD_TYPE_UNSPECIFIED: _ClassVar[ConfigFieldType]
    CONFIG_FIELD_TYPE_BOOL: _ClassVar[ConfigFieldType]
    CONFIG_FIELD_TYPE_INT: _ClassVar[ConfigFieldType]
    CONFIG_FIELD_TYPE_DOUBLE: _ClassVar[ConfigFieldType]
    CONFIG_FIELD_TYPE_STRING: _ClassVar[ConfigFieldType]
CONFIG_FIELD_TYPE_UNSPECIFIED: ConfigFieldType
CONFIG_FIELD_TYPE_BOOL: ConfigFieldType
CONFIG_FIELD_TYPE_INT: ConfigFieldType
CONFIG_FIELD_TYPE_DOUBLE: ConfigFieldType
CONFIG_FIELD_TYPE_STRING: ConfigFieldType

class EnvSpec(_message.Message):
    __slots__ = ("id", "description", "observation_space", "action_space", "metadata", "max_episode_steps", "reward_threshold", "config_schema", "native_vectorization", "nondeterministic")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_SPACE_FIELD_NUMBER: _ClassVar[int]
    ACTION_SPACE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    MAX_EPISODE_STEPS_FIELD_NUMBER: _ClassVar[int]
    REWARD_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NATIVE_VECTORIZATION_FIELD_NUMBER: _ClassVar[int]
    NONDETERMINISTIC_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    observation_space: _space_pb2.Space
    action_space: _space_pb2.Space
    metadata: EnvMetadata
    max_episode_steps: int
    reward_threshold: float
    config_schema: ConfigSchema
    native_vectorization: bool
    nondeterministic: bool
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., observation_space: _Optional[_Union[_space_pb2.Space, _Mapping]] = ..., action_space: _Optional[_Union[_space_pb2.Space, _Mapping]] = ..., metadata: _Optional[_Union[EnvMetadata, _Mapping]] = ..., max_episode_steps: _Optional[int] = ..., reward_threshold: _Optional[float] = ..., config_schema: _Optional[_Union[ConfigSchema, _Mapping]] = ..., native_vectorization: _Optional[bool] = ..., nondeterministic: _Optional[bool] = ...) -> None: ...

class EnvMetadata(_message.Message):
    __slots__ = ("render_modes", "render_fps")
    RENDER_MODES_FIELD_NUMBER: _ClassVar[int]
    RENDER_FPS_FIELD_NUMBER: _ClassVar[int]
    render_modes: _containers.RepeatedScalarFieldContainer[str]
    render_fps: float
    def __init__(self, render_modes: _Optional[_Iterable[str]] = ..., render_fps: _Optional[float] = ...) -> None: ...

class ConfigSchema(_message.Message):
    __slots__ = ("message_type", "fields")
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    message_type: str
    fields: _containers.RepeatedCompositeFieldContainer[ConfigField]
    def __init__(self, message_type: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[ConfigField, _Mapping]]] = ...) -> None: ...

class ConfigField(_message.Message):
    __slots__ = ("name", "type", "default_value", "description", "minimum", "maximum", "choices")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: ConfigFieldType
    default_value: _struct_pb2.Value
    description: str
    minimum: float
    maximum: float
    choices: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[ConfigFieldType, str]] = ..., default_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., description: _Optional[str] = ..., minimum: _Optional[float] = ..., maximum: _Optional[float] = ..., choices: _Optional[_Iterable[str]] = ...) -> None: ...
