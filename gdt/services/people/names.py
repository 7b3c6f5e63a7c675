"""How two spellings of a name are the same name: case, accents and spacing do not count."""
import unicodedata


def name_key(name: str | None) -> str | None:
    """'  José  de Vries ' → 'jose de vries'; None for no name (a removed person)."""
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split()) or None
