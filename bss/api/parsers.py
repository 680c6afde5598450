from rest_framework.parsers import JSONParser


class MergePatchJSONParser(JSONParser):
    """RFC 7386 merge-patch bodies are plain JSON objects; the kit applies them as partial updates."""

    media_type = "application/merge-patch+json"
