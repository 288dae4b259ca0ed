"""Widgets of the chat, by area. They show data and post messages; none does core work."""

from assistant.tui.widgets.answer_card import AnswerCard, GeneratedView, PendingAnswer
from assistant.tui.widgets.articles_panel import ArticlesPanel
from assistant.tui.widgets.chat_log import ChatLog, Note
from assistant.tui.widgets.citations import CitationCard
from assistant.tui.widgets.index_offer import IndexOffer
from assistant.tui.widgets.question_box import QuestionInput, QuestionView
from assistant.tui.widgets.status import UpdateBar, eta_text, progress_text

__all__ = [
    "AnswerCard",
    "ArticlesPanel",
    "ChatLog",
    "CitationCard",
    "GeneratedView",
    "IndexOffer",
    "Note",
    "PendingAnswer",
    "QuestionInput",
    "QuestionView",
    "UpdateBar",
    "eta_text",
    "progress_text",
]
