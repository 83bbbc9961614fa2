from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AcrobotConfig(_message.Message):
    __slots__ = ("torque_noise_max",)
    TORQUE_NOISE_MAX_FIELD_NUMBER: _ClassVar[int]
    torque_noise_max: float
    def __init__(self, torque_noise_max: _Optional[float] = ...) -> None: ...
