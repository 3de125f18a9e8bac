"""Speaker records shared by the stage 6-8 tests (claims, graph, export)."""
from attrib.model import Speaker, SpeakerKind

MUJAHID = Speaker("person:zabihullah-mujahid", "Zabihullah Mujahid", SpeakerKind.PERSON, role="spokesman",
                  affiliation="Taliban", affiliation_path=("Taliban",))
ARIAN = Speaker("person:tareq-arian", "Tareq Arian", SpeakerKind.PERSON, role="spokesman",
                affiliation="Afghan Ministry of Interior",
                affiliation_path=("Afghan Ministry of Interior", "Afghan government", "Afghanistan"))


def quotes_of(results) -> list:
    """Every quote of some ArticleResults, as the corpus-level stages take them."""
    return [ra for r in results for ra in r.attributions]


def infos(results) -> list:
    """The ArticleInfo of each ArticleResult."""
    from attrib.rundir import article_info
    return [article_info(r) for r in results]
