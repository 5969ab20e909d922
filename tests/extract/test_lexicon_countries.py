"""The country gazetteer (kg/data/lexicons/countries.tsv): every UN member state is a country.

A state missing from it is typed by guesswork (Cape Verde, Brunei, Laos and Mongolia were read
as places or bodies in the annotated articles), and then takes no affiliatedWith facts.
"""

from __future__ import annotations

from kg.extract.lexicon import load

#: The 193 UN member states (their common English names), plus Kosovo, Palestine and Taiwan.
STATES = """Afghanistan;Albania;Algeria;Andorra;Angola;Antigua and Barbuda;Argentina;Armenia;
Australia;Austria;Azerbaijan;Bahamas;Bahrain;Bangladesh;Barbados;Belarus;Belgium;Belize;Benin;
Bhutan;Bolivia;Bosnia and Herzegovina;Botswana;Brazil;Brunei;Bulgaria;Burkina Faso;Burundi;
Cape Verde;Cambodia;Cameroon;Canada;Central African Republic;Chad;Chile;China;Colombia;Comoros;
Republic of the Congo;Costa Rica;Croatia;Cuba;Cyprus;Czech Republic;
Democratic Republic of the Congo;Denmark;Djibouti;Dominica;Dominican Republic;Ecuador;Egypt;
El Salvador;Equatorial Guinea;Eritrea;Estonia;Eswatini;Ethiopia;Fiji;Finland;France;Gabon;
Gambia;Georgia;Germany;Ghana;Greece;Grenada;Guatemala;Guinea;Guinea-Bissau;Guyana;Haiti;
Honduras;Hungary;Iceland;India;Indonesia;Iran;Iraq;Ireland;Israel;Italy;Ivory Coast;Jamaica;
Japan;Jordan;Kazakhstan;Kenya;Kiribati;Kuwait;Kyrgyzstan;Laos;Latvia;Lebanon;Lesotho;Liberia;
Libya;Liechtenstein;Lithuania;Luxembourg;Madagascar;Malawi;Malaysia;Maldives;Mali;Malta;
Marshall Islands;Mauritania;Mauritius;Mexico;Micronesia;Moldova;Monaco;Mongolia;Montenegro;
Morocco;Mozambique;Myanmar;Namibia;Nauru;Nepal;Netherlands;New Zealand;Nicaragua;Niger;Nigeria;
North Korea;North Macedonia;Norway;Oman;Pakistan;Palau;Panama;Papua New Guinea;Paraguay;Peru;
Philippines;Poland;Portugal;Qatar;Romania;Russia;Rwanda;Saint Kitts and Nevis;Saint Lucia;
Saint Vincent and the Grenadines;Samoa;San Marino;Sao Tome and Principe;Saudi Arabia;Senegal;
Serbia;Seychelles;Sierra Leone;Singapore;Slovakia;Slovenia;Solomon Islands;Somalia;South Africa;
South Korea;South Sudan;Spain;Sri Lanka;Sudan;Suriname;Sweden;Switzerland;Syria;Tajikistan;
Tanzania;Thailand;Timor-Leste;Togo;Tonga;Trinidad and Tobago;Tunisia;Turkey;Turkmenistan;Tuvalu;
Uganda;Ukraine;United Arab Emirates;United Kingdom;United States;Uruguay;Uzbekistan;Vanuatu;
Venezuela;Vietnam;Yemen;Zambia;Zimbabwe;Kosovo;Palestine;Taiwan"""


def test_every_state_is_in_the_gazetteer() -> None:
    lex = load()
    states = [s.strip() for s in STATES.replace("\n", "").split(";")]
    assert len(states) == 196
    assert [s for s in states if lex.country_of(s) is None] == []


def test_other_names_and_demonyms_of_added_states() -> None:
    lex = load()
    assert lex.country_of("Cabo Verde") == "Cape Verde"
    assert lex.country_of("Lao") == "Laos"
    assert lex.country_of("Mongolian") == "Mongolia"
    assert lex.country_of("Korea") == "South Korea"
