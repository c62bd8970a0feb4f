"""English word lists written for this project (no external corpus), with inflection helpers.

Lists are whitespace-separated strings so they stay compact; multi-word entries use ``_``
for the inner space. The point is combinatorial variety: with a few thousand content words,
unrelated generated documents share essentially no word 5-grams, which keeps near-duplicate
ground truth meaningful.
"""

from __future__ import annotations


def words(block: str) -> list[str]:
    """Split a whitespace-separated block; ``_`` stands for a space inside one entry."""
    return [w.replace("_", " ") for w in block.split()]


GENERAL_NOUNS = words("""
    account address agency agreement airport album answer apartment approach area argument
    article artist audience author avenue balance balcony bank banner barn basket battery beach
    bench bicycle blanket board boat bottle boundary bowl box branch bridge brochure bucket budget
    building bulletin bus cabin cabinet cafe calendar camera campaign canal candle canvas captain
    card career carpet cart castle catalog cellar chair chamber channel chapter charity chart
    chimney church circle citizen claim classroom client clinic clock closet club coach coast
    collection college column committee community company computer concert conference contract
    corner cottage council counter county courtyard cousin crane crew crowd cupboard curtain
    customer cycle dashboard deadline decade decision delivery department designer desk detail
    device diary director district doctor document door drawer driver editor election elevator
    employee engine engineer envelope estate event exhibit factory family farm farmer feature
    fence festival field figure folder forest fountain frame friend garage garden gate gallery
    guest guide hallway harbor headline helmet highway hill hospital hotel household idea island
    jacket journal journey kitchen ladder lake lamp landlord lantern lawyer leader lecture ledger
    letter library license lighthouse market meadow meeting member message method minister mirror
    model moment monument motor mountain museum musician neighbor network newsletter notebook
    number office officer orchard organ owner package painting pamphlet panel parcel parent park
    partner passenger path pattern pavilion pencil person photograph pilot pipeline plan planner
    platform player pocket poem policy pond porch portrait poster pottery presenter printer
    problem producer professor program project proposal publisher puzzle quarter question quilt
    railway ranch reader record region report reporter resident restaurant review ribbon river
    road roof room route rule saddle sailor sample schedule scholar school season secretary
    section seminar sensor server shelter shop signal sister sketch society soldier speaker
    sponsor square stadium stage staircase station statue stove strategy street student studio
    suitcase summit supplier surface survey system table tablet tailor teacher team telescope
    temple tenant terrace theater ticket tower tractor trail train trainer tram tunnel tutor
    umbrella valley vendor venue version village visitor volunteer wagon wall wardrobe warehouse
    window workshop writer yard
""")

TOPIC_NOUNS: dict[str, list[str]] = {
    "gardening": words("""
        seedling trowel compost bed tulip rosebush hedge greenhouse sprinkler mulch shovel
        cucumber tomato pumpkin sunflower vine fern trellis wheelbarrow rake hose pot planter
        bulb root stem petal weed lawn shrub herb seed allotment orchid daffodil beetle
        earthworm cutting watering_can raised_bed soil_test fertilizer cabbage carrot radish
    """),
    "cooking": words("""
        recipe skillet oven saucepan whisk spatula ladle dough loaf casserole pastry omelette
        broth stew salad sandwich noodle dumpling pancake muffin cookie biscuit marinade sauce
        onion garlic_clove pepper lemon spoon kettle blender grater cutting_board apron menu
        chef ingredient dessert pie tart crumble teaspoon
    """),
    "travel": words("""
        passport itinerary suitcase backpack hostel ferry luggage boarding_pass visa guidebook
        souvenir tour cruise flight layover terminal campsite resort inn map compass postcard
        excursion hiker trekker railcar timetable checkpoint border motel landmark viewpoint
        cathedral marina promenade
    """),
    "technology": words("""
        laptop smartphone router keyboard monitor processor database algorithm browser compiler
        debugger firmware headset microphone charger cable adapter drone robot spreadsheet app
        plugin framework repository terminal backup password update release patch dataset
        chipset motherboard touchscreen webcam modem cloud_service
    """),
    "finance": words("""
        loan mortgage invoice receipt dividend portfolio stock bond fund pension deposit credit
        payment salary bonus tax_return auditor accountant broker investor shareholder ledger
        statement forecast revenue expense profit merger subsidiary startup bankruptcy
        spreadsheet treasury auction
    """),
    "sports": words("""
        referee goalkeeper striker midfielder coach stadium trophy medal tournament league match
        racket bat glove helmet jersey scoreboard whistle lap sprint marathon relay hurdle
        penalty corner_kick touchdown inning dugout rink puck skate pitch season_ticket playoff
        champion rookie
    """),
    "health": words("""
        nurse surgeon patient clinic pharmacy prescription vaccine symptom diagnosis therapy
        treatment bandage stethoscope thermometer wheelchair ambulance ward appointment checkup
        vitamin supplement diet workout stretch injury fracture allergy headache fever
        physiotherapist dentist specialist
    """),
    "music": words("""
        guitar violin cello piano drum trumpet saxophone flute choir orchestra conductor
        composer melody chord rhythm lyric chorus verse album single record_label gig
        rehearsal amplifier microphone setlist encore ballad symphony quartet songwriter
        drummer pianist vinyl playlist
    """),
    "history": words("""
        empire dynasty kingdom treaty charter manuscript archive chronicle siege fortress
        monastery emperor queen duke merchant colony settlement revolution republic parliament
        decree ruin artifact inscription coin tapestry voyage expedition guild pilgrim
        battlefield scroll relic
    """),
    "science": words("""
        laboratory microscope experiment hypothesis molecule atom protein enzyme cell
        chromosome galaxy planet comet asteroid orbit satellite telescope fossil mineral
        crystal reactor particle sensor probe specimen theory equation catalyst membrane
        bacterium volcano glacier earthquake
    """),
    "housing": words("""
        tenant landlord lease deposit apartment townhouse bungalow duplex basement attic
        renovation plumber electrician roofer contractor mortgage appraisal listing viewing
        neighborhood zoning permit insulation boiler radiator kitchenette driveway garage
        doorbell mailbox stairwell
    """),
    "education": words("""
        pupil classroom teacher lecturer semester syllabus textbook homework assignment exam
        quiz grade diploma degree scholarship campus dormitory library tutor curriculum
        kindergarten principal headmaster thesis dissertation notebook lecture_hall whiteboard
        backpack graduate enrollment timetable
    """),
    "environment": words("""
        wetland estuary reef rainforest prairie watershed reservoir drought flood wildfire
        heatwave emission turbine solar_panel recycling landfill habitat species wildlife
        pollinator nest migration coastline dune tide erosion rainfall forecast monsoon
        carbon_budget conservation ranger
    """),
    "automotive": words("""
        sedan hatchback truck van motorcycle scooter tire brake clutch gearbox engine exhaust
        radiator windshield bumper dashboard headlight mechanic garage dealership driver
        license_plate parking_lot fuel_tank battery charger mileage odometer roundabout
        intersection motorway tollbooth
    """),
}

TOPICS = tuple(TOPIC_NOUNS)

IRREGULAR_PLURALS = {
    "person": "people", "child": "children", "knife": "knives", "loaf": "loaves",
    "shelf": "shelves", "species": "species", "bacterium": "bacteria", "thesis": "theses",
    "hypothesis": "hypotheses", "diagnosis": "diagnoses", "leaf": "leaves", "chief": "chiefs",
    "roof": "roofs", "series": "series", "cafe": "cafes", "volcano": "volcanoes",
    "tomato": "tomatoes", "piano": "pianos", "radio": "radios", "photo": "photos",
}

ADJECTIVES = words("""
    able active actual ancient angry annual anxious autumn awkward bare basic bitter blank
    bold brave brief bright brisk broad broken busy calm careful casual central certain cheap
    cheerful chief civic classic clean clever close cloudy coastal cold common complex
    compact complete concrete constant cool correct costly cozy crowded crucial curious
    current damp dark dear decent deep dense distant domestic dramatic dry dusty eager early
    eastern easy elderly electric elegant empty endless entire equal essential exact exotic
    extra faint fair familiar famous fast federal fierce final fine firm flat fluffy formal
    former fragile free frequent fresh friendly frozen full funny gentle genuine giant glad
    global golden gradual grand grateful green grey gross handsome handy happy hard harsh
    healthy heavy helpful hidden high hollow honest huge humble hungry ideal idle immense
    informal initial inner intense internal joint junior keen key kind large late lazy lean
    legal light likely little live lively local lonely long loose loud lovely loyal lucky
    main major manual marine massive mature medical mellow mental mild minor misty mobile
    modern modest moist multiple mutual narrow national native natural neat nervous new
    nearby noble noisy normal northern notable novel numerous obvious odd official old open
    orange ordinary organic original outer overall pale partial patient peaceful perfect
    personal plain pleasant plenty polite popular portable positive practical precise
    pretty previous primary private proper proud public pure quick quiet rapid rare raw ready
    real recent regional regular remote rich rigid rough round rural rusty safe salty scarce
    secret secure senior serious shallow sharp short shy silent silver simple single slim
    slow small smart smooth soft solar solid southern spare spicy stable steady steep sticky
    stiff still strange strict strong sturdy subtle sudden sunny super sweet swift tall
    tender thick thin tidy tight tiny total tough tropical typical unique upper urban urgent
    usual vague valid various vast vital vivid warm weekly weird western wet whole wide wild
    windy wise wooden young
""")

ADVERBS = words("""
    again almost already also always barely briefly calmly carefully clearly closely
    constantly daily deeply directly early easily entirely eventually exactly finally
    firmly fully gently gradually hardly heavily honestly immediately largely lately
    locally loudly mainly mostly nearly neatly never normally occasionally often openly
    partly perhaps politely promptly properly quickly quietly rapidly rarely readily
    recently regularly roughly safely seldom sharply shortly silently simply slightly
    slowly smoothly softly sometimes soon steadily strongly suddenly surely swiftly
    together twice usually warmly weekly widely yesterday
""")

# Transitive verbs in base form; forms come from ``inflect`` unless listed in IRREGULAR_VERBS.
TRANSITIVE_VERBS = words("""
    accept adjust admire adopt advise afford allow announce answer appoint approve arrange
    assemble assess assign attach attract avoid bake balance borrow brush build buy calculate
    carry catch celebrate change check choose clean clear collect compare complete confirm
    connect consider construct contact cover create deliver describe design destroy develop
    discover discuss display draw drive earn edit encourage enjoy examine expand explain
    explore fetch fill find fix follow gather greet guide handle hang help hire hold host
    identify ignore imagine improve include inspect install introduce invite join keep
    label launch lead lend lift load locate lock maintain manage mark measure meet mend
    monitor move name notice observe obtain offer open order organize own paint pack
    pay persuade photograph pick plant polish prepare present preserve print produce
    promise protect provide publish pull push raise reach read receive recommend record
    reduce reject release remember remove rent repair replace report request rescue
    restore review reward sell send serve share sign sort study suggest supply support
    survey teach test thank track trade train translate treat trust update upgrade use
    visit wash watch welcome win wrap write
""")

INTRANSITIVE_VERBS = words("""
    agree appear arrive begin bloom breathe collapse compete cooperate disappear drift
    emerge expand fade fail fall flourish float glow grow hesitate hurry improve laugh
    linger listen march matter move pause prosper react recover relax remain respond
    rest retire return rise settle shine shrink sleep smile speak stand stay struggle
    succeed survive swim travel vanish wait wander whisper work
""")

IRREGULAR_VERBS = {
    v.split()[0]: tuple(v.split()[1:])
    for v in """
    begin begins began begun beginning
    build builds built built building
    buy buys bought bought buying
    catch catches caught caught catching
    choose chooses chose chosen choosing
    draw draws drew drawn drawing
    drive drives drove driven driving
    fall falls fell fallen falling
    find finds found found finding
    grow grows grew grown growing
    hang hangs hung hung hanging
    hold holds held held holding
    keep keeps kept kept keeping
    lead leads led led leading
    lend lends lent lent lending
    meet meets met met meeting
    pay pays paid paid paying
    read reads read read reading
    rise rises rose risen rising
    sell sells sold sold selling
    send sends sent sent sending
    shine shines shone shone shining
    shrink shrinks shrank shrunk shrinking
    sleep sleeps slept slept sleeping
    speak speaks spoke spoken speaking
    stand stands stood stood standing
    swim swims swam swum swimming
    teach teaches taught taught teaching
    win wins won won winning
    write writes wrote written writing
    plan plans planned planned planning
    admit admits admitted admitted admitting
    travel travels traveled traveled traveling
    label labels labeled labeled labeling
    """.strip().splitlines()
}


def plural(noun: str) -> str:
    """English plural of the last word of ``noun`` by the usual spelling rules."""
    head, _, last = noun.rpartition(" ")
    prefix = head + " " if head else ""
    if last in IRREGULAR_PLURALS:
        return prefix + IRREGULAR_PLURALS[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return prefix + last[:-1] + "ies"
    return prefix + last + "s"


def inflect(verb: str) -> tuple[str, str, str, str]:
    """(third person singular, past, past participle, -ing) of a base-form verb."""
    if verb in IRREGULAR_VERBS:
        s, past, participle, ing = IRREGULAR_VERBS[verb]
        return s, past, participle, ing
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        s = verb + "es"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        s = verb[:-1] + "ies"
    else:
        s = verb + "s"
    if verb.endswith("e"):
        past = verb + "d"
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        past = verb[:-1] + "ied"
    else:
        past = verb + "ed"
    ing = verb[:-1] + "ing" if verb.endswith("e") and not verb.endswith("ee") else verb + "ing"
    return s, past, past, ing


def with_article(phrase: str) -> str:
    """Prefix ``a`` or ``an`` by the first letter (good enough for this vocabulary)."""
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


FIRST_NAMES = words("""
    Aaron Abigail Adele Ahmed Aisha Alan Alice Amara Amelia Ana Andrei Anika Arjun Astrid
    Beatrix Ben Bianca Boris Caleb Camille Carlos Chen Chloé Clara Connor Dalia Daniel Dara
    David Diego Dmitri Edith Elena Elif Emeka Emma Ethan Farah Felix Fiona Freya Gabriel
    Grace Hana Hannah Hassan Helga Hiro Ibrahim Ines Ingrid Isaac Ivan Jamal James Jana
    Javier Jin José Julia Kai Kamala Karim Keiko Kenji Kofi Lars Laura Leila Liam Lina
    Lucía Luis Maya Marco Mariam Marta Mateo Mei Miguel Mina Nadia Naoko Nia Niklas Noah
    Nora Olga Omar Oscar Paolo Pedro Pia Priya Rafael Ravi Renée Rosa Ruth Sakura Samir
    Sara Sean Sofia Soren Tariq Tess Theo Tomás Uma Valentina Victor Wei Yara Yusuf Zoë
    Łukasz Ömer Søren Zainab
""")

SURNAMES = words("""
    Abbott Acosta Adeyemi Alvarez Andersen Arnold Bakker Banerjee Barros Becker Bennett
    Bianchi Brennan Brooks Castillo Chandra Chowdhury Costa Dawson Delgado Dubois Duarte
    Eriksen Evans Farouk Fischer Fontaine García Gonzalez Gray Haddad Hansen Hartmann Hughes
    Ibáñez Ito Jansen Jensen Kaplan Kaur Keller Kim Kowalski Kruger Larsen Laurent Lindqvist
    Lopez Lund Mahmoud Marsh Mendes Meyer Moreau Morris Müller Murphy Nakamura Nguyen Novak
    Nowak Nyström Okafor Okonkwo Olsen Ortiz Park Patel Perez Petrov Quinn Ramos Reyes Richter
    Rossi Russo Sato Schmidt Schneider Shah Silva Singh Sokolova Suzuki Tanaka Torres Turner
    Varga Vogel Wagner Walsh Watanabe Weber Wiśniewski Yamamoto Yilmaz Young Zhang Zhou Ziegler
    Åkesson Çelik Ferreira Brandão Hoang
""")

PLACES = words("""
    Aberdeen Accra Adelaide Almaty Amsterdam Antwerp Athens Auckland Austin Baltimore
    Bangalore Barcelona Belfast Bergen Bologna Bordeaux Boston Bratislava Bristol Brno
    Calgary Cardiff Chennai Chicago Cork Córdoba Dakar Denver Dublin Dundee Durban Edinburgh
    Florence Galway Gdańsk Geneva Genoa Ghent Glasgow Gothenburg Graz Halifax Hamburg
    Hanoi Helsinki Hobart Izmir Kraków Kyoto Lagos Leeds Leipzig Lille Lima Lisbon
    Liverpool Ljubljana Lyon Madrid Malmö Manchester Marseille Melbourne Milan Montreal
    Mumbai Munich Nairobi Nantes Naples Newcastle Nice Oaxaca Osaka Oslo Ottawa Oxford
    Perth Porto Prague Quebec Reykjavík Riga Rotterdam Salzburg Santiago Seville Sheffield
    Sofia Stockholm Tallinn Tampere Toronto Toulouse Trondheim Turin Utrecht Valencia
    Vancouver Vienna Vilnius Warsaw Wellington Winnipeg Zagreb Zürich São_Paulo
    New_Orleans Cape_Town Buenos_Aires
""")

# Invented town names: prefix x suffix gives hundreds of plausible, non-existent places.
PLACE_PREFIXES = words("""
    Ash Bay Birch Black Bridge Brook Cedar Clear Cold Crow Deer East Elm Fair Fern Glen
    Gold Green Hazel High Holly Iron Kings Lake Lark Long Maple Mill North Oak Pine Red
    Rock Rose Salt Silver South Spring Stone Sun West White Willow Wolf
""")
PLACE_SUFFIXES = words("""
    bridge brook burn by dale field ford gate ham haven hill holm hurst land ley marsh
    mere mont moor mouth port stead ton vale ville water well wick wood worth
""")
TOWNS = [a + b for a in PLACE_PREFIXES for b in PLACE_SUFFIXES]

# CJK and other scripts, as they appear in encyclopedic text (native names in parentheses).
NATIVE_NAMES = words("""
    東京 京都 大阪 北海道 上海 北京 香港 台北 広島 名古屋 南京 杭州 서울 부산 Αθήνα Москва
    القاهرة दिल्ली
""")

EMOJI = words("😀 😂 👍 🙏 🎉 🔥 🤔 😅 🙌 💡 ❤️ ✅ 🚀 😢 👀")

LOREM = words("""
    lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt
    ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco
    laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate
    velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident
    sunt culpa qui officia deserunt mollit anim id est laborum
""")

UNITS = words("""
    minutes hours days weeks months years meters kilometers miles kilograms liters
    centimeters seasons laps pages tickets
""")

OPENERS = words("""
    However, Meanwhile, In_practice, Still, For_example, As_a_result, In_the_end, Later,
    At_first, Fortunately, Unfortunately, In_short, By_contrast, Even_so, Last_year,
    This_week, On_Monday, In_the_spring, After_a_while, Since_then, Oddly_enough,
    To_be_fair, In_most_cases, According_to_local_staff,
""")

ROLES = words("""
    a_spokesperson a_local_resident the_project_lead a_senior_analyst the_head_coach
    a_city_official the_organizer a_volunteer the_chief_executive a_researcher
    the_shop_owner a_teacher a_longtime_member the_festival_director a_union_representative
""")

MONTHS = words("""
    January February March April May June July August September October November December
""")
