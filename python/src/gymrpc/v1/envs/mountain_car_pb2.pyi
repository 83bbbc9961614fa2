from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class MountainCarConfig(_message.Message):
    __slots__ = ("goal_velocity",)
    GOAL_VELOCITY_FIELD_NUMBER: _ClassVar[int]
    goal_velocity: float
    def __init__(self, goal_velocity: _Optional[float] = ...) -> None: ...

class MountainCarContinuousConfig(_message.Message):
    __slots__ = ("goal_velocity",)
    GOAL_VELOCITY_FIELD_NUMBER: _ClassVar[int]
    goal_velocity: float
    def __init__(self, goal_velocity: _Optional[float] = ...) -> None: ...
