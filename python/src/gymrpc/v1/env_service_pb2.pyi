from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.rpc import status_pb2 as _status_pb2
from gymrpc.v1 import env_spec_pb2 as _env_spec_pb2
from gymrpc.v1 import recording_pb2 as _recording_pb2
from gymrpc.v1 import tensor_pb2 as _tensor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListEnvsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListEnvsResponse(_message.Message):
    __slots__ = ("envs",)
    ENVS_FIELD_NUMBER: _ClassVar[int]
    envs: _containers.RepeatedCompositeFieldContainer[_env_spec_pb2.EnvSpec]
    def __init__(self, envs: _Optional[_Iterable[_Union[_env_spec_pb2.EnvSpec, _Mapping]]] = ...) -> None: ...

class MakeRequest(_message.Message):
    __slots__ = ("env_id", "typed_config", "config", "num_envs", "render_mode", "max_episode_steps", "record")
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    TYPED_CONFIG_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    NUM_ENVS_FIELD_NUMBER: _ClassVar[int]
    RENDER_MODE_FIELD_NUMBER: _ClassVar[int]
    MAX_EPISODE_STEPS_FIELD_NUMBER: _ClassVar[int]
    RECORD_FIELD_NUMBER: _ClassVar[int]
    env_id: str
    typed_config: _any_pb2.Any
    config: _struct_pb2.Struct
    num_envs: int
    render_mode: str
    max_episode_steps: int
    record: _recording_pb2.RecordingOptions
    def __init__(self, env_id: _Optional[str] = ..., typed_config: _Optional[_Union[_any_pb2.Any, _Mapping]] = ..., config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., num_envs: _Optional[int] = ..., render_mode: _Optional[str] = ..., max_episode_steps: _Optional[int] = ..., record: _Optional[_Union[_recording_pb2.RecordingOptions, _Mapping]] = ...) -> None: ...

class MakeResponse(_message.Message):
    __slots__ = ("session_id", "spec", "num_envs", "render_mode", "recording")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    NUM_ENVS_FIELD_NUMBER: _ClassVar[int]
    RENDER_MODE_FIELD_NUMBER: _ClassVar[int]
    RECORDING_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    spec: _env_spec_pb2.EnvSpec
    num_envs: int
    render_mode: str
    recording: _recording_pb2.RecordingStatus
    def __init__(self, session_id: _Optional[str] = ..., spec: _Optional[_Union[_env_spec_pb2.EnvSpec, _Mapping]] = ..., num_envs: _Optional[int] = ..., render_mode: _Optional[str] = ..., recording: _Optional[_Union[_recording_pb2.RecordingStatus, _Mapping]] = ...) -> None: ...

class ResetRequest(_message.Message):
    __slots__ = ("session_id", "seed", "options")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    seed: int
    options: _struct_pb2.Struct
    def __init__(self, session_id: _Optional[str] = ..., seed: _Optional[int] = ..., options: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ResetResponse(_message.Message):
    __slots__ = ("observation", "info")
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    observation: _tensor_pb2.Value
    info: _tensor_pb2.DictValue
    def __init__(self, observation: _Optional[_Union[_tensor_pb2.Value, _Mapping]] = ..., info: _Optional[_Union[_tensor_pb2.DictValue, _Mapping]] = ...) -> None: ...

class StepRequest(_message.Message):
    __slots__ = ("session_id", "action", "policy")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    action: _tensor_pb2.Value
    policy: _recording_pb2.PolicyInfo
    def __init__(self, session_id: _Optional[str] = ..., action: _Optional[_Union[_tensor_pb2.Value, _Mapping]] = ..., policy: _Optional[_Union[_recording_pb2.PolicyInfo, _Mapping]] = ...) -> None: ...

class StepResponse(_message.Message):
    __slots__ = ("observation", "reward", "terminated", "truncated", "info")
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    TERMINATED_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    observation: _tensor_pb2.Value
    reward: _tensor_pb2.Tensor
    terminated: _tensor_pb2.Tensor
    truncated: _tensor_pb2.Tensor
    info: _tensor_pb2.DictValue
    def __init__(self, observation: _Optional[_Union[_tensor_pb2.Value, _Mapping]] = ..., reward: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., terminated: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., truncated: _Optional[_Union[_tensor_pb2.Tensor, _Mapping]] = ..., info: _Optional[_Union[_tensor_pb2.DictValue, _Mapping]] = ...) -> None: ...

class RenderRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class RenderResponse(_message.Message):
    __slots__ = ("frame",)
    FRAME_FIELD_NUMBER: _ClassVar[int]
    frame: _tensor_pb2.Value
    def __init__(self, frame: _Optional[_Union[_tensor_pb2.Value, _Mapping]] = ...) -> None: ...

class CloseSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CloseSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StartRecordingRequest(_message.Message):
    __slots__ = ("session_id", "options")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    options: _recording_pb2.RecordingOptions
    def __init__(self, session_id: _Optional[str] = ..., options: _Optional[_Union[_recording_pb2.RecordingOptions, _Mapping]] = ...) -> None: ...

class StartRecordingResponse(_message.Message):
    __slots__ = ("recording",)
    RECORDING_FIELD_NUMBER: _ClassVar[int]
    recording: _recording_pb2.RecordingStatus
    def __init__(self, recording: _Optional[_Union[_recording_pb2.RecordingStatus, _Mapping]] = ...) -> None: ...

class StopRecordingRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class StopRecordingResponse(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _recording_pb2.DatasetStats
    def __init__(self, stats: _Optional[_Union[_recording_pb2.DatasetStats, _Mapping]] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions",)
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[SessionInfo]
    def __init__(self, sessions: _Optional[_Iterable[_Union[SessionInfo, _Mapping]]] = ...) -> None: ...

class SessionInfo(_message.Message):
    __slots__ = ("session_id", "env_id", "num_envs", "kind", "peer", "recording")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    NUM_ENVS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    RECORDING_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    env_id: str
    num_envs: int
    kind: str
    peer: str
    recording: _recording_pb2.RecordingStatus
    def __init__(self, session_id: _Optional[str] = ..., env_id: _Optional[str] = ..., num_envs: _Optional[int] = ..., kind: _Optional[str] = ..., peer: _Optional[str] = ..., recording: _Optional[_Union[_recording_pb2.RecordingStatus, _Mapping]] = ...) -> None: ...

class SessionRequest(_message.Message):
    __slots__ = ("make", "reset", "step", "render", "close", "start_recording", "stop_recording")
    MAKE_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    RENDER_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    START_RECORDING_FIELD_NUMBER: _ClassVar[int]
    STOP_RECORDING_FIELD_NUMBER: _ClassVar[int]
    make: MakeRequest
    reset: ResetRequest
    step: StepRequest
    render: RenderRequest
    close: CloseSessionRequest
    start_recording: StartRecordingRequest
    stop_recording: StopRecordingRequest
    def __init__(self, make: _Optional[_Union[MakeRequest, _Mapping]] = ..., reset: _Optional[_Union[ResetRequest, _Mapping]] = ..., step: _Optional[_Union[StepRequest, _Mapping]] = ..., render: _Optional[_Union[RenderRequest, _Mapping]] = ..., close: _Optional[_Union[CloseSessionRequest, _Mapping]] = ..., start_recording: _Optional[_Union[StartRecordingRequest, _Mapping]] = ..., stop_recording: _Optional[_Union[StopRecordingRequest, _Mapping]] = ...) -> None: ...

class SessionResponse(_message.Message):
    __slots__ = ("make", "reset", "step", "render", "close", "error", "start_recording", "stop_recording")
    MAKE_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    RENDER_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    START_RECORDING_FIELD_NUMBER: _ClassVar[int]
    STOP_RECORDING_FIELD_NUMBER: _ClassVar[int]
    make: MakeResponse
    reset: ResetResponse
    step: StepResponse
    render: RenderResponse
    close: CloseSessionResponse
    error: _status_pb2.Status
    start_recording: StartRecordingResponse
    stop_recording: StopRecordingResponse
    def __init__(self, make: _Optional[_Union[MakeResponse, _Mapping]] = ..., reset: _Optional[_Union[ResetResponse, _Mapping]] = ..., step: _Optional[_Union[StepResponse, _Mapping]] = ..., render: _Optional[_Union[RenderResponse, _Mapping]] = ..., close: _Optional[_Union[CloseSessionResponse, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., start_recording: _Optional[_Union[StartRecordingResponse, _Mapping]] = ..., stop_recording: _Optional[_Union[StopRecordingResponse, _Mapping]] = ...) -> None: ...
