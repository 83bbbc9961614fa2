from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SdnRoutingConfig(_message.Message):
    __slots__ = ("backend", "ryu_url", "ryu_timeout", "topology", "links", "link_capacity_mbps", "traffic", "traffic_pairs", "traffic_bw", "traffic_duration", "traffic_start_offset", "traffic_intensity", "traffic_noise", "step_interval", "weight_range", "delay_ref_ms", "delay_weight")
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    RYU_URL_FIELD_NUMBER: _ClassVar[int]
    RYU_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    TOPOLOGY_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    LINK_CAPACITY_MBPS_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_PAIRS_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_BW_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_DURATION_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_START_OFFSET_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_INTENSITY_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_NOISE_FIELD_NUMBER: _ClassVar[int]
    STEP_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_RANGE_FIELD_NUMBER: _ClassVar[int]
    DELAY_REF_MS_FIELD_NUMBER: _ClassVar[int]
    DELAY_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    backend: str
    ryu_url: str
    ryu_timeout: float
    topology: str
    links: str
    link_capacity_mbps: float
    traffic: str
    traffic_pairs: str
    traffic_bw: str
    traffic_duration: float
    traffic_start_offset: float
    traffic_intensity: float
    traffic_noise: float
    step_interval: float
    weight_range: float
    delay_ref_ms: float
    delay_weight: float
    def __init__(self, backend: _Optional[str] = ..., ryu_url: _Optional[str] = ..., ryu_timeout: _Optional[float] = ..., topology: _Optional[str] = ..., links: _Optional[str] = ..., link_capacity_mbps: _Optional[float] = ..., traffic: _Optional[str] = ..., traffic_pairs: _Optional[str] = ..., traffic_bw: _Optional[str] = ..., traffic_duration: _Optional[float] = ..., traffic_start_offset: _Optional[float] = ..., traffic_intensity: _Optional[float] = ..., traffic_noise: _Optional[float] = ..., step_interval: _Optional[float] = ..., weight_range: _Optional[float] = ..., delay_ref_ms: _Optional[float] = ..., delay_weight: _Optional[float] = ...) -> None: ...
