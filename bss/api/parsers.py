from rest_framework.parsers import JSONParser


class MergePatchJSONParser(JSONParser):
    """RFC 7386 merge-patch bodies are plain JSON objects; the kit applies them as partial updates."""

    media_type = "application/merge-patch+json"


class JSONPatchParser(JSONParser):
    """RFC 6902 bodies (a list of operations), on the v5 PATCH operations whose spec allows them."""

    media_type = "application/json-patch+json"
