from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class RobotReachConfig(_message.Message):
    __slots__ = ("randomize", "friction", "image_width", "image_height")
    RANDOMIZE_FIELD_NUMBER: _ClassVar[int]
    FRICTION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    IMAGE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    randomize: bool
    friction: float
    image_width: int
    image_height: int
    def __init__(self, randomize: _Optional[bool] = ..., friction: _Optional[float] = ..., image_width: _Optional[int] = ..., image_height: _Optional[int] = ...) -> None: ...

class PickPlaceConfig(_message.Message):
    __slots__ = ("randomize", "friction", "image_width", "image_height")
    RANDOMIZE_FIELD_NUMBER: _ClassVar[int]
    FRICTION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    IMAGE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    randomize: bool
    friction: float
    image_width: int
    image_height: int
    def __init__(self, randomize: _Optional[bool] = ..., friction: _Optional[float] = ..., image_width: _Optional[int] = ..., image_height: _Optional[int] = ...) -> None: ...
