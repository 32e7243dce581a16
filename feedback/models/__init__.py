from .process import ProcessFeedback
from .reviews import Review, ReviewInvitation, ReviewReply

__all__ = ["ProcessFeedback", "Review", "ReviewInvitation", "ReviewReply"]
