from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class OpticalRoutingConfig(_message.Message):
    __slots__ = ("topology", "slots_per_link", "k_paths", "load_erlang", "mean_holding_time", "bandwidths_gbps", "guard_band_slots", "requests_per_episode", "warmup_requests", "failure_type", "failure_link", "disaster_node", "disaster_radius", "t_fail", "t_repair", "observation", "measure_time")
    TOPOLOGY_FIELD_NUMBER: _ClassVar[int]
    SLOTS_PER_LINK_FIELD_NUMBER: _ClassVar[int]
    K_PATHS_FIELD_NUMBER: _ClassVar[int]
    LOAD_ERLANG_FIELD_NUMBER: _ClassVar[int]
    MEAN_HOLDING_TIME_FIELD_NUMBER: _ClassVar[int]
    BANDWIDTHS_GBPS_FIELD_NUMBER: _ClassVar[int]
    GUARD_BAND_SLOTS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_PER_EPISODE_FIELD_NUMBER: _ClassVar[int]
    WARMUP_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_TYPE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_LINK_FIELD_NUMBER: _ClassVar[int]
    DISASTER_NODE_FIELD_NUMBER: _ClassVar[int]
    DISASTER_RADIUS_FIELD_NUMBER: _ClassVar[int]
    T_FAIL_FIELD_NUMBER: _ClassVar[int]
    T_REPAIR_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    MEASURE_TIME_FIELD_NUMBER: _ClassVar[int]
    topology: str
    slots_per_link: int
    k_paths: int
    load_erlang: float
    mean_holding_time: float
    bandwidths_gbps: str
    guard_band_slots: int
    requests_per_episode: int
    warmup_requests: int
    failure_type: str
    failure_link: int
    disaster_node: int
    disaster_radius: int
    t_fail: float
    t_repair: float
    observation: str
    measure_time: bool
    def __init__(self, topology: _Optional[str] = ..., slots_per_link: _Optional[int] = ..., k_paths: _Optional[int] = ..., load_erlang: _Optional[float] = ..., mean_holding_time: _Optional[float] = ..., bandwidths_gbps: _Optional[str] = ..., guard_band_slots: _Optional[int] = ..., requests_per_episode: _Optional[int] = ..., warmup_requests: _Optional[int] = ..., failure_type: _Optional[str] = ..., failure_link: _Optional[int] = ..., disaster_node: _Optional[int] = ..., disaster_radius: _Optional[int] = ..., t_fail: _Optional[float] = ..., t_repair: _Optional[float] = ..., observation: _Optional[str] = ..., measure_time: _Optional[bool] = ...) -> None: ...
