"""Speaker records shared by the stage 6-8 tests (claims, graph, export)."""
from attrib.model import Speaker, SpeakerKind

MUJAHID = Speaker("person:zabihullah-mujahid", "Zabihullah Mujahid", SpeakerKind.PERSON, role="spokesman",
                  affiliation="Taliban", affiliation_path=("Taliban",))
ARIAN = Speaker("person:tareq-arian", "Tareq Arian", SpeakerKind.PERSON, role="spokesman",
                affiliation="Afghan Ministry of Interior",
                affiliation_path=("Afghan Ministry of Interior", "Afghan government", "Afghanistan"))
