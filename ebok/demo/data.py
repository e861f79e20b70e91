"""Fixed vocabulary of the demo: organisations, Polish names, streets, rates per year.

Everything here is independent of the seed, so persona data and rate history are the same
for every generated export. Texts that go into CSV files must be encodable in cp1250
(no '²', no emoji): the generator can write that dialect.
"""

from __future__ import annotations

# The cooperative matches ebok/core/assets/config.default.yaml (company name, NIP, bank).
COOPERATIVE = {
    "name": "Spółdzielnia Mieszkaniowa „Przykładowa”",
    "address": "ul. Lipowa 7, 00-950 Warszawa",
    "nip": "5260001246",
    "bank_account": "61 1090 1014 0000 0712 1981 2874",
    "phone": "+48 22 123 45 67",
    "email": "biuro@sm-przykladowa.pl",
}
UTILITY = {
    "name": "Przedsiębiorstwo Wodociągów i Kanalizacji „Zdrój” Sp. z o.o.",
    "address": "ul. Świerkowa 3, 05-091 Ząbki",
    "nip": "1250003537",
    "phone": "+48 22 761 20 00",
    "email": "bok@pwik-zdroj.pl",
}
# Individual accounts are virtual accounts in the cooperative's bank (Santander, 1090 1014).
BANK_ROUTING = "10901014"

FEMALE_FIRST = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta",
    "Magdalena", "Joanna", "Zofia", "Aleksandra", "Monika", "Teresa", "Danuta", "Natalia", "Julia",
    "Karolina", "Marta", "Beata", "Dorota", "Halina", "Jadwiga", "Iwona", "Grażyna", "Bożena", "Urszula",
    "Łucja", "Jolanta", "Wiesława", "Renata", "Sylwia", "Paulina", "Weronika", "Alicja", "Małgosia",
)  # fmt: skip
MALE_FIRST = (
    "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin", "Stanisław", "Jakub",
    "Adam", "Marek", "Łukasz", "Grzegorz", "Mateusz", "Wojciech", "Mariusz", "Dariusz", "Zbigniew",
    "Jerzy", "Maciej", "Rafał", "Kamil", "Robert", "Józef", "Ryszard", "Mirosław", "Sławomir", "Bartłomiej",
    "Przemysław", "Zdzisław", "Bogusław", "Jarosław", "Kazimierz", "Tadeusz", "Błażej", "Dawid",
)  # fmt: skip
# Surnames in the masculine form; -ski/-cki/-dzki get a feminine form automatically.
SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Wojciechowski",
    "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski",
    "Król", "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski", "Stępień",
    "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak",
    "Sikora", "Baran", "Rutkowski", "Michalak", "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak",
    "Zalewski", "Wróblewski", "Jasiński", "Marciniak", "Bąk", "Zawadzki", "Sadowski", "Jakubowski",
    "Duda", "Włodarczyk", "Chmielewski", "Borkowski", "Sokołowski", "Szczepański", "Sawicki", "Lis",
    "Kucharski", "Mazurek", "Kubiak", "Kalinowski", "Wysocki", "Czarnecki", "Głowacki", "Łukasik",
    "Żak", "Ślusarczyk", "Gołębiowski", "Kołodziej", "Czyż", "Śliwiński", "Żurawski", "Łęcki",
)  # fmt: skip

BUSINESS_PATTERNS = (
    "Zakład Fryzjerski {first} {last}",
    "Kwiaciarnia „Stokrotka” {first} {last}",
    "Piekarnia „Złoty Kłos” {first} {last}",
    "Pracownia Krawiecka {first} {last}",
    "Biuro Rachunkowe „Księga” {first} {last}",
    "Sklep Spożywczy „Pod Różą” {first} {last}",
    "Gabinet Stomatologiczny lek. dent. {first} {last}",
    "Apteka „Pod Lipą” {first} {last}",
    "Naprawa Obuwia i Dorabianie Kluczy {first} {last}",
    "Salon Kosmetyczny „Żurawinka” {first} {last}",
    "Księgarnia „Sówka” {first} {last}",
    "Pralnia Chemiczna {first} {last}",
)
# Three-digit tax office prefixes (Warsaw and around) for generated NIPs.
NIP_PREFIXES = ("526", "525", "521", "113", "118", "951", "701", "125", "534", "822")

# Streets of the cooperative's multi-unit buildings (Warsaw) with their postcodes.
COOP_CITY = "Warszawa"
COOP_STREETS = (
    ("ul. Ząbkowska", "03-735"),
    ("ul. Żelazna", "00-807"),
    ("ul. Świętokrzyska", "00-116"),
    ("ul. Grójecka", "02-025"),
    ("ul. Łucka", "00-842"),
    ("ul. Puławska", "02-566"),
    ("ul. Chłodna", "00-867"),
    ("ul. Wołoska", "02-583"),
    ("ul. Śniadeckich", "00-654"),
    ("ul. Jagiellońska", "03-721"),
    ("ul. Grochowska", "04-186"),
    ("ul. Rakowiecka", "02-517"),
    ("ul. Łazienkowska", "00-449"),
    ("ul. Kłopotowskiego", "03-718"),
    ("ul. Dąbrowskiego", "02-558"),
    ("ul. Słowackiego", "01-592"),
    ("ul. Żurawia", "00-503"),
    ("ul. Różana", "02-548"),
    ("ul. Międzyparkowa", "00-216"),
    ("ul. Targowa", "03-728"),
)
# Community buildings (each community is one building).
COMMUNITY_STREETS = (
    ("ul. Źródłowa", "03-148"),
    ("ul. Krucza", "00-525"),
    ("ul. Mokotowska", "00-640"),
    ("ul. Wspólna", "00-684"),
    ("ul. Hoża", "00-682"),
    ("ul. Poznańska", "00-685"),
)
# Houses of the water and waste utility's customers: towns around Warsaw.
HOUSE_TOWNS = (
    ("Ząbki", "05-091"),
    ("Łomianki", "05-092"),
    ("Józefów", "05-420"),
    ("Marki", "05-270"),
    ("Sulejówek", "05-070"),
    ("Piastów", "05-820"),
    ("Zielonka", "05-220"),
    ("Kobyłka", "05-230"),
)
HOUSE_STREETS = (
    "ul. Słoneczna", "ul. Różana", "ul. Kwiatowa", "ul. Jaśminowa", "ul. Wrzosowa", "ul. Żytnia",
    "ul. Łąkowa", "ul. Polna", "ul. Ogrodowa", "ul. Brzozowa", "ul. Świerkowa", "ul. Dębowa",
    "ul. Źródlana", "ul. Leśna", "ul. Kościelna", "ul. Ułańska",
)  # fmt: skip

MONTHS_PL = (
    "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec",
    "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień",
)  # fmt: skip

# Charge components: code -> (name for residents, basis). Amount = quantity x rate.
COMPONENTS = {
    "maintenance": ("Eksploatacja", "m2"),
    "management": ("Koszty zarządu nieruchomością wspólną", "m2"),
    "repair_fund": ("Fundusz remontowy", "m2"),
    "heating": ("Centralne ogrzewanie – zaliczka", "m2"),
    "cold_water": ("Zimna woda i ścieki – zaliczka", "person"),
    "hot_water": ("Podgrzanie wody – zaliczka", "person"),
    "waste": ("Gospodarowanie odpadami komunalnymi", "person"),
    "garage": ("Opłata za garaż (ryczałt)", "flat"),
    "rent": ("Czynsz najmu lokalu użytkowego", "m2"),
    "water_m3": ("Woda i ścieki – zaliczka", "m3"),
    "waste_containers": ("Odbiór odpadów (pojemniki)", "piece"),
    "subscription": ("Opłata abonamentowa", "flat"),
    "vat": ("Podatek VAT 23%", "flat"),
}

# Rates in zł for the base year 2021 (dec4 quantities: zł per m2, person, m3, piece or month),
# then a yearly index. The index is fixed history, so the fee chart moves every January.
BASE_RATES = {
    "maintenance": 2.35,
    "management": 2.10,
    "repair_fund": 1.60,
    "heating": 2.90,
    "cold_water": 39.00,  # ~3 m3 per person per month x price of water and sewage
    "hot_water": 41.00,  # ~1.3 m3 per person per month x heating of water
    "waste": 28.00,
    "garage": 42.00,
    "rent": 24.50,
    "water_m3": 12.40,
    "waste_containers": 58.00,
    "subscription": 6.20,
}
# Yearly index per component group (1.0 = base year); heating and water jump in 2023.
YEAR_INDEX = {
    "default": {2021: 1.00, 2022: 1.05, 2023: 1.14, 2024: 1.19, 2025: 1.24, 2026: 1.28},
    "heating": {2021: 1.00, 2022: 1.12, 2023: 1.48, 2024: 1.41, 2025: 1.45, 2026: 1.51},
    "water": {2021: 1.00, 2022: 1.06, 2023: 1.17, 2024: 1.25, 2025: 1.31, 2026: 1.36},
    "waste": {2021: 1.00, 2022: 1.07, 2023: 1.14, 2024: 1.25, 2025: 1.32, 2026: 1.39},
}
INDEX_GROUP = {
    "heating": "heating",
    "hot_water": "heating",
    "cold_water": "water",
    "water_m3": "water",
    "waste": "waste",
    "waste_containers": "waste",
}
# Price of 1 m3 used in water settlements (zł), same index as the advances.
WATER_PRICE = 13.00  # cold water and sewage per m3, base year
HOT_WATER_PRICE = 31.50  # heating 1 m3 of water, base year
# Statutory late-payment interest (odsetki ustawowe za opóźnienie), % a year, illustrative.
INTEREST_RATE = {2021: 5.6, 2022: 9.5, 2023: 12.25, 2024: 11.25, 2025: 10.75, 2026: 10.0}

REGULATIONS = (
    (
        "Regulamin rozliczania kosztów dostawy wody i odprowadzania ścieków",
        [
            "§ 1. Koszty dostawy zimnej wody i odprowadzania ścieków rozlicza się na lokale według "
            "wskazań wodomierzy indywidualnych. Zaliczki na poczet kosztów ustala się od liczby osób "
            "zamieszkałych w lokalu.",
            "§ 2. Okresem rozliczeniowym jest rok kalendarzowy. Rozliczenie doręcza się użytkownikowi "
            "lokalu do końca lutego roku następnego.",
            "§ 3. Nadpłatę zalicza się na poczet przyszłych opłat, a na wniosek zwraca na wskazany "
            "rachunek. Niedopłatę należy uregulować w terminie 30 dni od doręczenia rozliczenia.",
            "§ 4. Wodomierze podlegają legalizacji co 5 lat. Wymianę wodomierza wykonuje spółdzielnia "
            "na swój koszt; stan początkowy nowego wodomierza wpisuje się do protokołu wymiany.",
            "§ 5. Odczyty przekazuje się przez e-BOK w oknie odczytowym. W razie braku odczytu zużycie "
            "szacuje się na podstawie średniego zużycia lokalu z ostatnich 12 miesięcy.",
        ],
    ),
    (
        "Regulamin porządku domowego",
        [
            "§ 1. Mieszkańcy dbają o czystość klatek schodowych, piwnic, zsypów i terenów zielonych.",
            "§ 2. Cisza nocna obowiązuje w godzinach 22:00–6:00.",
            "§ 3. Odpady segreguje się na frakcje: papier, szkło, metale i tworzywa sztuczne, "
            "bioodpady oraz odpady zmieszane, zgodnie z oznaczeniem pojemników.",
            "§ 4. Awarie instalacji zgłasza się niezwłocznie przez e-BOK albo telefonicznie w biurze.",
        ],
    ),
)
