"""General English the answering engine reads: question words, numbers, qualifiers, units, currencies.

One place for every word list of the engine. Nothing here names anything of one story (a person,
group, place or outlet): these are words any English news text uses.
"""
from __future__ import annotations

# -- numbers -------------------------------------------------------------------------------------
UNITS_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
               "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS_WORDS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, float] = {w: float(n) for n, w in enumerate(UNITS_WORDS)}
NUMBER_WORDS.update({w: float(10 * n) for n, w in enumerate(TENS_WORDS) if w})
NUMBER_WORDS.update({"a dozen": 12.0, "dozen": 12.0, "a hundred": 100.0, "a thousand": 1000.0, "hundred": 100.0,
                     "thousand": 1000.0, "half": 0.5, "a": 1.0, "an": 1.0, "single": 1.0, "both": 2.0,
                     "a couple of": 2.0, "a pair of": 2.0})
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}

# Qualifiers say how exact a figure is: an interval around it, never another figure.
APPROXIMATE = ["approximately", "approx.", "approx", "about", "around", "some", "roughly", "nearly", "almost",
               "close to", "an estimated", "estimated", "just under", "just over", "up to", "circa", "c."]
AT_LEAST = ["more than", "over", "at least", "upwards of", "in excess of", "no fewer than", "a minimum of",
            "above"]
AT_MOST = ["fewer than", "less than", "under", "at most", "no more than", "below"]
# "one" is a pronoun or a phrase after these words or before these, not a count of what follows it
NOT_COUNTING_ONE = {
    "before": {"no", "the", "this", "that", "each", "every", "any", "which", "at", "someone", "anyone", "everyone"},
    "after": {"another", "more", "such", "last", "way", "side", "hand", "point", "day", "time", "thing", "and", "or",
              "is", "was", "who", "that", "which", "said", "says", "in", "on", "at", "to", "by", "with", "for",
              "from", "as", "but", "would", "could", "should", "will", "can", "may", "might", "must", "has", "had"},
}
# ... of which these take in the figure itself: "at least four" allows four, "more than four" does not
INCLUSIVE = {"at least", "no fewer than", "a minimum of", "at most", "no more than"}

# -- units --------------------------------------------------------------------------------------
# unit word -> (dimension, factor to the dimension's base unit)
MEASURES: dict[str, tuple[str, float]] = {
    "hectares": ("area", 1.0), "hectare": ("area", 1.0), "ha": ("area", 1.0),
    "acres": ("area", 0.404686), "acre": ("area", 0.404686),
    "square kilometres": ("area", 100.0), "square kilometers": ("area", 100.0), "sq km": ("area", 100.0),
    "km2": ("area", 100.0), "km²": ("area", 100.0), "square miles": ("area", 258.999), "sq miles": ("area", 258.999),
    "kilometres": ("length", 1000.0), "kilometers": ("length", 1000.0), "km": ("length", 1000.0),
    "miles": ("length", 1609.34), "mile": ("length", 1609.34), "metres": ("length", 1.0), "meters": ("length", 1.0),
    "feet": ("length", 0.3048), "foot": ("length", 0.3048),
    "tonnes": ("mass", 1000.0), "tons": ("mass", 907.185), "kilograms": ("mass", 1.0), "kg": ("mass", 1.0),
    "litres": ("volume", 1.0), "liters": ("volume", 1.0), "gallons": ("volume", 3.78541), "barrels": ("volume", 158.987),
    "metre": ("length", 1.0), "meter": ("length", 1.0), "kilometre": ("length", 1000.0), "kilometer": ("length", 1000.0),
    "centimetres": ("length", 0.01), "centimeters": ("length", 0.01), "cm": ("length", 0.01),
    "millimetres": ("length", 0.001), "millimeters": ("length", 0.001), "mm": ("length", 0.001),
    "inches": ("length", 0.0254), "inch": ("length", 0.0254), "yards": ("length", 0.9144), "yard": ("length", 0.9144),
    "ft": ("length", 0.3048), "nautical miles": ("length", 1852.0),
    "tonne": ("mass", 1000.0), "ton": ("mass", 907.185), "kilogram": ("mass", 1.0), "kilos": ("mass", 1.0),
    "grams": ("mass", 0.001), "gram": ("mass", 0.001), "lbs": ("mass", 0.453592), "lb": ("mass", 0.453592),
    "litre": ("volume", 1.0), "liter": ("volume", 1.0), "cubic metres": ("volume", 1000.0), "cubic meters": ("volume", 1000.0),
    # speeds, in km/h
    "km/h": ("speed", 1.0), "kph": ("speed", 1.0), "kmh": ("speed", 1.0), "kilometres per hour": ("speed", 1.0),
    "kilometers per hour": ("speed", 1.0), "kilometres an hour": ("speed", 1.0), "kilometers an hour": ("speed", 1.0),
    "mph": ("speed", 1.609344), "miles per hour": ("speed", 1.609344), "miles an hour": ("speed", 1.609344),
    "knots": ("speed", 1.852), "knot": ("speed", 1.852), "metres per second": ("speed", 3.6),
    "meters per second": ("speed", 3.6),
    # temperatures: a scale the text names, or none ("41 degrees" may be either), never compared across
    "degrees celsius": ("celsius", 1.0), "degrees centigrade": ("celsius", 1.0), "°c": ("celsius", 1.0),
    "celsius": ("celsius", 1.0), "degrees fahrenheit": ("fahrenheit", 1.0), "°f": ("fahrenheit", 1.0),
    "fahrenheit": ("fahrenheit", 1.0), "degrees": ("degrees", 1.0),
    # an earthquake's size ("a 6.4-magnitude quake", "magnitude 6.4": see values.MAGNITUDE_RE)
    "magnitude": ("magnitude", 1.0), "on the richter scale": ("magnitude", 1.0),
}
# "how fast", "how deep": the measure a question asks for, named by its noun (see MEASURE_DIMENSIONS)
HOW_ADJECTIVES = {"fast": "speed", "quickly": "speed", "far": "distance", "deep": "depth", "tall": "height",
                  "high": "height", "heavy": "weight", "wide": "width", "big": "size", "large": "size"}
# Things news names, whose name a question may ask for ("the name of the ferry", "which storm"): the
# answer is a proper name, whatever label the small model gives it (a vessel is often an ORG or PERSON)
NAMED_THINGS = {"ship", "vessel", "ferry", "boat", "yacht", "tanker", "submarine", "plane", "aircraft", "jet",
                "helicopter", "train", "storm", "hurricane", "typhoon", "cyclone", "operation", "mission",
                "vaccine", "drug", "satellite", "rocket", "spacecraft", "horse", "virus", "variant", "malware",
                "ransomware"}
# Verbs of going somewhere: "where was the ferry heading" asks for where to, not where it was
MOTION_VERBS = {"go", "head", "travel", "sail", "fly", "drive", "bind", "return", "move", "send", "take", "evacuate",
                "deport", "divert", "bring", "transfer", "flee", "ship", "airlift", "rush", "march", "bound"}
TO_PREPOSITIONS = {"to", "towards", "toward", "for", "into"}   # ... the prepositions that say where to
# prepositions a question's "what" or "which" phrase may come after ("ON which rocks", "FROM which port")
PREPOSITIONS = {"on", "in", "at", "from", "to", "into", "onto", "by", "for", "with", "under", "near", "over",
                "across", "through", "against", "of", "off", "about", "behind", "during", "after", "before"}
# Count nouns whose figure is as often a share as a number ("turnout was 61.4%")
SHARE_COUNTS = {"turnout", "attendance", "participation"}
# The dimensions (MEASURES) a measure noun asks for: "speed" is never answered by "14 miles"
MEASURE_DIMENSIONS = {"speed": {"speed"}, "distance": {"length"}, "length": {"length"}, "height": {"length"},
                      "depth": {"length"}, "width": {"length"}, "elevation": {"length"}, "altitude": {"length"},
                      "weight": {"mass"}, "area": {"area"}, "land": {"area"}, "volume": {"volume"},
                      "temperature": {"celsius", "fahrenheit", "degrees"}, "rainfall": {"length"},
                      "magnitude": {"magnitude"}}
DURATIONS: dict[str, float] = {   # unit word -> days
    "second": 1 / 86400, "seconds": 1 / 86400, "minute": 1 / 1440, "minutes": 1 / 1440, "hour": 1 / 24,
    "hours": 1 / 24, "day": 1.0, "days": 1.0, "week": 7.0, "weeks": 7.0, "fortnight": 14.0, "month": 30.44,
    "months": 30.44, "year": 365.25, "years": 365.25, "decade": 3652.5, "decades": 3652.5,
}
# currency symbol or word -> ISO-like code
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "c$": "CAD",
                    "a$": "AUD", "hk$": "HKD", "r$": "BRL", "rs": "INR", "rs.": "INR",
                    # ISO codes written before the figure ("CHF 20 million", "USD 5bn")
                    "usd": "USD", "eur": "EUR", "gbp": "GBP", "chf": "CHF", "jpy": "JPY", "cny": "CNY", "inr": "INR",
                    "aud": "AUD", "cad": "CAD", "hkd": "HKD", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "zar": "ZAR"}
CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "usd": "USD", "u.s. dollars": "USD", "us dollars": "USD",
                  "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "gbp": "GBP", "euros": "EUR", "euro": "EUR",
                  "eur": "EUR", "yen": "JPY", "rupees": "INR", "francs": "CHF", "kronor": "SEK", "krona": "SEK",
                  "pesos": "MXN", "yuan": "CNY", "rand": "ZAR", "swiss francs": "CHF", "australian dollars": "AUD",
                  "canadian dollars": "CAD", "hong kong dollars": "HKD", "new zealand dollars": "NZD",
                  "singapore dollars": "SGD", "indian rupees": "INR", "japanese yen": "JPY", "chinese yuan": "CNY",
                  "renminbi": "CNY", "roubles": "RUB", "rubles": "RUB", "lira": "TRY", "naira": "NGN",
                  "shillings": "KES", "zloty": "PLN", "forint": "HUF", "dirhams": "AED", "riyals": "SAR",
                  "baht": "THB", "rupiah": "IDR", "ringgit": "MYR", "kroner": "NOK", "krone": "NOK",
                  "chf": "CHF", "jpy": "JPY", "cny": "CNY", "inr": "INR", "aud": "AUD", "cad": "CAD"}

# -- clock and calendar --------------------------------------------------------------------------
MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
          "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
          "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
            "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
CLOCK_WORDS = {"noon": 12 * 60, "midday": 12 * 60, "midnight": 0}
TIME_QUALIFIERS = {"shortly after": (0, 30), "just after": (0, 20), "soon after": (0, 45), "after": (0, 60),
                   "shortly before": (-30, 0), "just before": (-20, 0), "before": (-60, 0), "around": (-15, 15),
                   "about": (-15, 15), "approximately": (-15, 15), "roughly": (-15, 15), "at about": (-15, 15),
                   "at around": (-15, 15)}

# -- what a question asks for ---------------------------------------------------------------------
# Focus nouns that make a "which/what X" question ask for a kind of entity.
ORG_NOUNS = {"company", "group", "organisation", "organization", "agency", "body", "bank", "firm", "party",
             "team", "club", "union", "authority", "department", "ministry", "unit", "office", "network",
             "university", "institution", "institute", "corporation", "government", "court", "regulator",
             "committee", "board", "commission", "council", "outlet", "newspaper", "broadcaster", "charity",
             "operator", "airline", "manufacturer", "maker", "label", "publisher", "studio", "band", "school",
             "college", "league", "faction", "movement", "coalition", "alliance", "army", "force", "service",
             "museum", "gallery", "library", "theatre", "theater", "cinema", "zoo"}
# Nouns of nature's places: "on which REEF did it run aground", "from which MOUNTAIN"
NATURE_NOUNS = {"island", "river", "mountain", "peak", "volcano", "lake", "valley", "bay", "coast", "beach", "sea",
                "ocean", "desert", "forest", "reef", "rock", "cape", "headland", "cliff", "shoal", "sandbank",
                "strait", "gulf", "glacier", "ridge", "hill", "moor", "marsh", "creek", "inlet", "peninsula",
                "plateau", "gorge", "canyon", "estuary", "fjord", "loch", "lagoon"}
PLACE_NOUNS = {"city", "town", "village", "country", "nation", "state", "province", "region", "county",
               "district", "place", "location", "station", "street", "road", "venue", "site", "area",
               "neighbourhood", "neighborhood", "port", "airport", "square", "building",
               "continent", "capital", "headquarters", "hq", "where", "hospital", "prison", "stadium",
               "hotel", "church", "mosque", "temple", "factory", "harbour", "harbor", "park", "border",
               "canal", "bridge", "school", "camp", "base", "mine", "plant", "suburb", "municipality",
               "territory", "castle", "palace", "monastery", "cathedral", "mall", "market", "embassy", "farm",
               "warehouse", "terminal", "tunnel", "dam", "highway", "motorway", "avenue", "lane", "estate", "arena",
               "pier", "dock", "quay", "refinery", "junction"} | NATURE_NOUNS
# The last word of a place's name, beside the nouns above: "Ostrey POINT", "Hob's NESS", "Kyle SOUND"
PLACE_NAME_ENDS = PLACE_NOUNS | {"point", "head", "ness", "sound", "channel", "pass", "heights"}
ROLE_NOUNS = {"rank", "job", "title", "position", "post", "role", "occupation", "office", "profession", "vocation"}
PERSON_NOUNS = {"person", "man", "woman", "name", "spokesman", "spokeswoman", "spokesperson", "lawyer",
                "attorney", "leader", "head", "chief", "director", "researcher", "scientist", "driver", "pilot",
                "official", "clerk", "mayor", "minister", "president", "executive", "officer", "captain",
                "author", "writer", "director", "actor", "actress", "singer", "player", "coach", "manager",
                "founder", "owner", "ceo", "chairman", "chairwoman", "chair", "governor", "judge", "victim",
                "suspect", "employee", "worker", "doctor", "nurse", "teacher", "student", "journalist",
                "reporter", "firefighter", "soldier", "commander", "composer", "producer", "creator",
                "inventor", "architect", "designer", "politician", "candidate", "winner", "husband", "wife",
                "father", "mother", "son", "daughter", "child", "parent", "brother", "sister", "king", "queen",
                "prince", "princess", "emperor", "pope", "bishop", "priest", "presenter", "host", "artist",
                "painter", "poet", "novelist", "screenwriter", "performer", "vocalist", "guitarist",
                "drummer", "member", "partner", "successor", "predecessor", "spouse"}
# Nouns that stand for people when a question counts "people".
PEOPLE_NOUNS = {"people", "person", "man", "men", "woman", "women", "passenger", "resident", "patient",
                "participant", "protester", "worker", "other", "civilian", "child", "adult", "employee", "staff",
                "individual", "voter", "fan", "customer", "visitor", "victim", "student", "citizen", "migrant",
                "refugee", "casualty", "survivor", "inhabitant", "pilgrim", "tourist", "spectator", "member"}
# Nouns that count things of any name: "how many ITEMS were stolen" is answered by "eight PIECES of
# jewellery", "six paintings", but not by "four men"
THING_NOUNS = {"item", "thing", "object", "piece"}
# A change of an amount: "what pay RISE", "what price CUT" is said as a share ("9%") as often as a sum.
CHANGE_NOUNS = {"rise", "raise", "increase", "cut", "hike", "fall", "drop", "reduction", "decrease", "growth",
                "decline", "gain", "jump", "discount", "markup"}
MONEY_NOUNS = {"money", "cost", "price", "value", "revenue", "profit", "loss", "sales", "income", "budget",
               "ransom", "fine", "fee", "salary", "wage", "pay", "bonus", "dividend", "compensation",
               "damages", "damage", "bill", "debt", "deficit", "spending", "investment", "funding", "grant", "award",
               "prize", "bail", "valuation", "offer", "bid", "payout", "earnings", "turnover", "worth",
               "fare", "rent", "tax", "subsidy", "donation", "fund", "capital"}
PERCENT_NOUNS = {"percentage", "percent", "proportion", "share", "rate", "efficacy", "effectiveness",
                 "margin", "level", "protection"}
COUNT_NOUNS = {"number", "population", "total", "count", "toll", "tally", "attendance", "crowd", "headcount",
               "figure", "turnout", "membership", "enrollment", "enrolment"}
# count nouns that count people: a number of households or townships is no population
PEOPLE_COUNTS = {"population", "turnout", "crowd", "attendance", "headcount", "membership", "enrollment", "enrolment"}
DURATION_NOUNS = {"duration", "period", "term", "sentence", "delay"}
MEASURE_NOUNS = {"temperature", "length", "height", "distance", "area", "size", "weight", "depth", "width",
                 "elevation", "altitude", "land", "speed", "capacity", "volume", "magnitude", "rainfall"}
# What a question asks of a span of time ("(1862 - 26 October 1911)", "reigned 1603-1617"): its
# start or its end, as lemmas of its words.
START_WORDS = {"bear", "born", "birth", "found", "establish", "open", "begin", "start", "create", "form", "launch",
               "build", "construct", "inaugurate", "ascend", "become", "elect", "appoint", "crown", "succeed",
               "introduce", "debut", "premiere", "release", "join", "enter", "assume", "first"}
END_WORDS = {"die", "death", "close", "end", "abolish", "dissolve", "disband", "demolish", "retire", "resign",
             "cease", "defunct", "expire", "leave", "finish", "conclude", "depose", "abdicate"}
# A life's span ("Ada Fenwick (12 May 1590 - 28 February 1621)", "born in 1590") is its own: only
# a question with one of these asks for its start, or its end.
BIRTH_WORDS = {"bear", "born", "birth", "birthday", "birthdate"}
DEATH_WORDS = {"die", "died", "death"}
UNTIL_WORDS = {"until", "till", "til"}   # "open UNTIL 1926": when being open ended
RATE_WORDS = {"per", "each", "every", "apiece"}   # a question with one asks for a sum per unit ("$35.40 a share")
TOTAL_WORDS = {"total", "overall", "whole", "entire", "combined", "aggregate"}   # ... with one, for a total
# What a role candidate is weighed by: nearer in meaning to the first than to the second, it names
# what a person is ("director", "veteran member"); else a thing or place ("homes", "car").
ROLE_MEANING = ("a person's job title", "an object or place")
# What befalls people in a news event. A count's verb and the question's are each read as one of
# these by meaning ("died" as killed, "wounded" as injured, "detained" as arrested; "taken" and
# "treated" as none): a figure of one is no figure of another ("four died" for "how many were hurt").
OUTCOMES = ("killed", "injured", "missing", "arrested", "evacuated", "rescued")
DATE_NOUNS = {"date", "day", "year", "month", "week", "season", "decade", "century", "era"}
AGE_NOUNS = {"age"}
CAUSE_WORDS = {"cause", "caused", "causes", "start", "started", "spark", "sparked", "trigger", "triggered",
               "reason", "wrong", "lead", "led"}
# -- questions that ask for no typed value ---------------------------------------------------------
# Verbs of saying: "what did the ministry call the strike" is answered by the words it used.
SPEECH_VERBS = {"say", "call", "describe", "label", "term", "dub", "brand", "characterise", "characterize",
                "tell", "claim", "announce", "state", "write", "warn", "promise", "vow", "declare", "deny"}
# Verbs of believing or showing: "investigators BELIEVE the rice was the source", "figures SHOWED"
BELIEF_VERBS = {"believe", "think", "suspect", "show", "suggest", "find", "conclude"}
# Words and phrases that say one thing caused another: what follows them is the cause.
CAUSE_MARKERS = ["because of", "due to", "owing to", "caused by", "sparked by", "triggered by", "started by",
                 "blamed on", "attributed to", "point to", "points to", "pointed to", "the result of",
                 "as a result of", "because", "after"]
# ... of which these as often say only what came before ("came off the rails moments AFTER pulling out of the
# station"): such a cause is an answer, but too unsure to set against another source's in a banner.
TEMPORAL_CAUSE_MARKERS = {"after"}
# Verbs whose subject is a cause ("a downed line sparked the blaze"); nouns naming a cause ("X was the cause").
CAUSE_VERBS = {"cause", "spark", "start", "trigger", "ignite", "lead", "prompt", "provoke", "set"}
SOURCE_PREPOSITIONS = {"from", "off", "out"}   # "sparks FROM a mower": part of what a cause is
CAUSE_NOUNS = {"cause", "reason", "trigger", "culprit", "source", "origin", "explanation"}
# Words of a quarrel or a protest, whose "over" phrase is what it is about: "a strike OVER pay", "resigned
# OVER the handling of the case", "a row OVER funding" (not "over the weekend", "over 40 years": no such word)
DISPUTE_WORDS = {"strike", "dispute", "row", "protest", "walkout", "resign", "resignation", "quit", "clash",
                 "outrage", "anger", "fury", "backlash", "concern", "fear", "criticism", "sue", "lawsuit",
                 "complaint", "boycott", "revolt", "rebellion", "standoff", "tension", "split", "feud"}
# Verbs whose object is the cause ("the company BLAMED falling demand", "the bank CITED inflation"), and
# those whose "to" phrase is ("ATTRIBUTED the decision to the contract's expiry")
BLAME_VERBS = {"blame", "cite"}
# ... and those whose "on" phrase is ("BLAMED the crash ON ice", "PINNED the decision ON inflation")
BLAME_ON_VERBS = {"blame", "pin"}
ASCRIBE_VERBS = {"attribute", "ascribe"}
# Nouns English makes of verbs, where the two share no stem: "no DEATHS were reported" answers "did anyone
# DIE", "there was no FAILURE" "did the pump FAIL" (a yes/no question's words found in a sentence)
VERB_NOUNS = {"die": ("death", "dead"), "injure": ("injury",), "fail": ("failure",), "close": ("closure",),
              "lose": ("loss",), "arrive": ("arrival",), "approve": ("approval",), "deny": ("denial",),
              "refuse": ("refusal",), "pay": ("payment",), "sell": ("sale",), "succeed": ("success",),
              "collide": ("collision",), "explode": ("explosion",), "decide": ("decision",),
              "attend": ("attendance",), "appear": ("appearance",), "withdraw": ("withdrawal",)}
# Words that deny what they govern: "no civilians were harmed", "did not strike".
NEGATIONS = {"no", "not", "n't", "never", "none", "nothing", "nobody", "neither", "nor", "without"}
# words by which a question asks for a figure as it was before a change ("what was the PREVIOUS rate"):
# a figure "from" which something moved answers it
FORMER_WORDS = {"previous", "former", "original", "initial", "old", "earlier", "before", "prior", "previously",
                "originally", "initially"}
# words that ask for or tell the next time of something, or the last one ("when is the NEXT decision due",
# "when the bank LAST cut rates")
NEXT_WORDS = {"next", "upcoming", "forthcoming"}
LAST_WORDS = {"last", "previous", "previously", "latest"}
# words that make a title one its holder had ("FORMER governor", "the EX-minister")
FORMER_TITLES = {"former", "ex", "erstwhile", "onetime", "one-time"}
# Verbs that deny their object: "DENIED any wrongdoing", "RULING OUT a cyber attack" (with its particle),
# "REFRAINED from criticising"; and a verb with the particle or adverb that makes it deny ("ruled OUT",
# "stopped SHORT of calling for").
DENIAL_VERBS = {"deny", "refute", "dismiss", "disprove", "rebut", "refrain"}
DENIAL_PHRASES = {("rule", "out"), ("play", "down"), ("stop", "short"), ("fall", "short")}
# "How did the thieves get in": the means or way, set by these prepositions ("THROUGH a skylight", "BY forcing
# a door", "VIA a borehole") or the gerund of these verbs ("USING a ladder").
MANNER_PREPOSITIONS = {"through", "via", "by"}
MEANS_VERBS = {"use"}
# Words that open a yes/no question.
POLAR_OPENERS = {"is", "was", "were", "are", "did", "does", "do", "has", "have", "had", "can", "could", "will",
                 "would", "should"}

# participles that work as prepositions ("the turnout ACCORDING to the police"): no verb of the question
PREPOSITIONAL_PARTICIPLES = {"according", "including", "excluding", "following", "regarding", "concerning",
                             "considering", "given", "owing", "pending"}
# groups a people's adjective names ("the Republican", "a Conservative", "Sunni"): the answer may be
# a nationality, religious or political group's word (NORP), as much as an organisation's name
PEOPLES_OF = {"party", "faction", "denomination", "religion", "sect", "nationality", "ethnicity", "tribe"}
# what a game's result or a vote's tally is asked by ("what was the final score"): goals, points, votes, "3-1"
SCORE_NOUNS = {"score", "scoreline", "vote"}   # "what was the vote": its tally, "8-5"
KIND_NOUNS = {"kind", "type", "sort", "form", "variety", "category", "genre", "brand", "model", "make",
              "style", "breed", "species", "class"}

# Question words and function words: never a clue of what a sentence is about.
QUESTION_WORDS = {"how", "many", "much", "what", "which", "who", "whom", "whose", "when", "where", "why",
                  "whats", "whos", "is", "are", "was", "were", "be", "been", "did", "does", "do", "has", "have",
                  "had", "the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and",
                  "or", "that", "this", "it", "its", "their", "there", "as", "according", "say", "said",
                  "says", "tell", "report", "reported", "will", "would", "can", "could", "should", "may",
                  "might", "shall", "must", "name", "called", "associated", "known", "s", "'s", "?",
                  "time", "year", "day", "date", "long", "old", "kind", "type", "percentage", "percent",
                  "number", "place", "people"}
# Family ties a noun gives a person: (tie, sex), sex None where the word leaves it open. "X, wife
# of Y" makes Y X's spouse; "X, daughter of Y" makes Y X's parent (FAMILY_CONVERSE).
FAMILY_TIES = {"husband": ("spouse", "m"), "wife": ("spouse", "f"), "spouse": ("spouse", None),
               "widow": ("spouse", "f"), "widower": ("spouse", "m"), "consort": ("spouse", None),
               "father": ("parent", "m"), "mother": ("parent", "f"), "parent": ("parent", None),
               "son": ("child", "m"), "daughter": ("child", "f"), "child": ("child", None),
               "brother": ("sibling", "m"), "sister": ("sibling", "f"), "sibling": ("sibling", None),
               "grandfather": ("grandparent", "m"), "grandmother": ("grandparent", "f"),
               "grandson": ("grandchild", "m"), "granddaughter": ("grandchild", "f"),
               "uncle": ("parent's sibling", "m"), "aunt": ("parent's sibling", "f"),
               "nephew": ("sibling's child", "m"), "niece": ("sibling's child", "f")}
FAMILY_CONVERSE = {"spouse": "spouse", "parent": "child", "child": "parent", "sibling": "sibling",
                   "grandparent": "grandchild", "grandchild": "grandparent",
                   "parent's sibling": "sibling's child", "sibling's child": "parent's sibling"}
MARRY_VERBS = {"marry", "wed"}   # "married to Y", "wed Y": Y is a spouse
# Small words a name holds between two capitalised ones ("Death Cab FOR Cutie", "Bank OF England").
NAME_LINKS = {"of", "for", "the", "and", "&", "de", "la", "le", "del", "der", "von", "van", "du", "y"}
# Titles and honorifics before a name: not part of the name.
NAME_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev",
               "gen", "general", "maj", "major", "lt", "lieutenant", "col", "colonel", "capt", "captain", "sgt",
               "sergeant", "adm", "admiral", "cmdr", "commander", "chief", "president", "minister",
               "secretary", "spokesman", "spokeswoman", "spokesperson", "gov", "governor", "sen", "senator",
               "rep", "mayor", "judge", "justice", "officer", "inspector", "detective", "constable", "supt",
               "superintendent", "the", "st", "saint", "jr", "sr", "mp", "phd", "md"}
# Honorifics: part of how a person is addressed, never their rank or job.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "rev", "st", "saint", "jr", "sr", "mp",
              "phd", "md", "the"}
# Abbreviated ranks and titles, written out: "Lt." answers "what rank" as "lieutenant".
TITLE_ABBREVIATIONS = {"lt": "lieutenant", "capt": "captain", "col": "colonel", "gen": "general", "sgt": "sergeant",
                       "maj": "major", "cmdr": "commander", "adm": "admiral", "prof": "professor",
                       "supt": "superintendent", "insp": "inspector", "det": "detective", "gov": "governor",
                       "sen": "senator", "rep": "representative", "cpl": "corporal", "pte": "private"}
# Words after which a number is not a count of the focus ("a 12-year-old", "No. 4", "Route 9").
NUMBER_LABELS = {"no", "no.", "number", "nos", "route", "page", "chapter", "section", "article", "precinct",
                 "ward", "gate", "platform", "flight", "line", "room", "apartment", "unit", "lot", "level",
                 "phase", "stage", "grade", "class", "season", "episode", "volume", "vol", "series", "round",
                 "game", "exit", "highway", "interstate", "district", "zone", "channel", "version", "model",
                 "type", "covid", "covid-"}
