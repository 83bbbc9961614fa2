from google.protobuf import struct_pb2 as _struct_pb2
from gymrpc.v1 import tensor_pb2 as _tensor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecordingOptions(_message.Message):
    __slots__ = ("name", "format", "overwrite", "policy_id", "metadata", "discard_partial_episodes", "max_episodes", "compression_level")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DISCARD_PARTIAL_EPISODES_FIELD_NUMBER: _ClassVar[int]
    MAX_EPISODES_FIELD_NUMBER: _ClassVar[int]
    COMPRESSION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: str
    overwrite: bool
    policy_id: str
    metadata: _struct_pb2.Struct
    discard_partial_episodes: bool
    max_episodes: int
    compression_level: int
    def __init__(self, name: _Optional[str] = ..., format: _Optional[str] = ..., overwrite: _Optional[bool] = ..., policy_id: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., discard_partial_episodes: _Optional[bool] = ..., max_episodes: _Optional[int] = ..., compression_level: _Optional[int] = ...) -> None: ...

class RecordingStatus(_message.Message):
    __slots__ = ("active", "output_path", "format", "episodes")
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PATH_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    EPISODES_FIELD_NUMBER: _ClassVar[int]
    active: bool
    output_path: str
    format: str
    episodes: int
    def __init__(self, active: _Optional[bool] = ..., output_path: _Optional[str] = ..., format: _Optional[str] = ..., episodes: _Optional[int] = ...) -> None: ...

class PolicyInfo(_message.Message):
    __slots__ = ("behavior_prob", "greedy_action", "was_exploratory", "epsilon", "policy_id", "meta", "record")
    BEHAVIOR_PROB_FIELD_NUMBER: _ClassVar[int]
    GREEDY_ACTION_FIELD_NUMBER: _ClassVar[int]
    WAS_EXPLORATORY_FIELD_NUMBER: _ClassVar[int]
    EPSILON_FIELD_NUMBER: _ClassVar[int]
    POLICY_ID_FIELD_NUMBER: _ClassVar[int]
    META_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    behavior_prob: _tensor_pb2.Tensor
    greedy_action: _tensor_pb2.Value
    was_exploratory: _tensor_pb2.Tensor
    epsilon: _tensor_pb2.Tensor
    policy_id: str
    meta: _struct_pb2.Struct
    record: _tensor_pb2.Tensor
    def __init__(self, behavior_prob: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., greedy_action: _Optional[_Union[_tensor_pb2.Value, _Mapping]] = ..., was_exploratory: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., epsilon: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., policy_id: _Optional[str] = ..., meta: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., record: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ...) -> None: ...

class DatasetStats(_message.Message):
    __slots__ = ("total_episodes", "total_steps", "mean_episode_length", "mean_reward", "success_rate", "file_size_mb", "output_path", "format")
    TOTAL_EPISODES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    MEAN_EPISODE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MEAN_REWARD_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_MB_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_PATH_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    total_episodes: int
    total_steps: int
    mean_episode_length: float
    mean_reward: float
    success_rate: float
    file_size_mb: float
    output_path: str
    format: str
    def __init__(self, total_episodes: _Optional[int] = ..., total_steps: _Optional[int] = ..., mean_episode_length: _Optional[float] = ..., mean_reward: _Optional[float] = ..., success_rate: _Optional[float] = ..., file_size_mb: _Optional[float] = ..., output_path: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...
