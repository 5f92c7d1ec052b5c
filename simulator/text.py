"""Small per-language text pools and vectorised selection from them.

Pools are flattened into one pyarrow string array per kind with per-language offsets, so the
text of a million rows is one `take` of integer indices, never a Python loop per row. Some
entries hold commas, double quotes and newlines on purpose: CSV readers must honour RFC 4180.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pyarrow as pa

from simulator.config import COUNTRIES, LANGS

NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Anna", "Lukas", "Lea", "Jonas", "Mia", "Noah", "Laura", "Felix", "Sara", "Luca"),
    "en": ("Emma", "James", "Olivia", "Liam", "Ava", "Ethan", "Mia", "Noah", "Grace", "Jack"),
    "fr": ("Camille", "Louis", "Chloé", "Hugo", "Léa", "Jules", "Manon", "Arthur", "Inès", "Théo"),
    "pt": ("Ana", "João", "Maria", "Pedro", "Júlia", "Lucas", "Beatriz", "Rafael", "Larissa"),
    "ja": ("Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Sota", "Hina", "Yuto", "Mei", "Riku"),
    "es": ("Lucía", "Mateo", "Sofía", "Hugo", "Valeria", "Diego", "Paula", "Daniel", "Elena"),
    "it": ("Giulia", "Leonardo", "Sofia", "Francesco", "Aurora", "Alessandro", "Chiara"),
    "tr": ("Elif", "Yusuf", "Zeynep", "Emir", "Defne", "Mehmet", "Ecrin", "Kerem"),
    "id": ("Putri", "Budi", "Siti", "Agus", "Dewi", "Rizky", "Ayu", "Fajar"),
    "hi": ("Aarav", "Ananya", "Vivaan", "Diya", "Arjun", "Isha", "Kabir", "Saanvi"),
}

BIOS: dict[str, tuple[str, ...]] = {
    "de": (
        "Bergliebe & Kaffee ☕",
        "Fotografie, Wandern, Zürich",
        "Mama von zwei, Läuferin",
        'Lebe "langsam", denke schnell',
        "Student. Basel / Bern",
    ),
    "en": (
        "coffee, code, cats",
        "Runner. Reader. Dad of 2.",
        "Travel | Food | Life",
        'I say "yes" too often',
        "NYC → LA, opinions my own",
    ),
    "fr": (
        "Café, livres et vélo",
        "Photographe amateur, Lyon",
        "Maman, cuisinière, rêveuse",
        "Paris ❤️ Marseille",
        "Étudiant en design",
    ),
    "pt": (
        "Café, praia e futebol ⚽",
        "Mãe, empreendedora",
        "Rio de Janeiro | viagens",
        "Vivendo um dia de cada vez",
        "Designer e fotógrafa",
    ),
    "ja": (
        "カフェ巡りが好き",
        "東京在住のエンジニア",
        "写真と旅行",
        "猫と暮らしています",
        "毎日ランニング",
    ),
    "es": (
        "Café, libros y mar",
        "Madre, corredora, soñadora",
        "Viajes | comida | vida",
        "Diseñador en Madrid",
        "Fútbol y amigos",
    ),
    "it": ("Caffè, libri e mare", "Fotografo a Milano", "Mamma e cuoca", "Viaggi e cibo"),
    "tr": ("Kahve ve kitaplar", "İstanbul'da yaşıyorum", "Fotoğraf ve seyahat"),
    "id": ("Kopi dan buku", "Tinggal di Jakarta", "Suka jalan-jalan"),
    "hi": ("चाय और किताबें", "मुंबई में रहता हूँ", "यात्रा और फोटोग्राफी"),
}

COMMENTS: dict[str, tuple[str, ...]] = {
    "de": (
        "Wunderschön!",
        "Mega 😍",
        "Wo ist das?",
        'Genau "mein" Ding',
        "Super, danke!",
        "Toll gemacht, weiter so",
        "Ich will das auch!\nWann gibt's mehr?",
    ),
    "en": (
        "Love this!",
        "So good 😍",
        "Where is this?",
        'This is "the" one',
        "Amazing, thanks!",
        "Great work, keep going",
        "Need this!\nWhen is the next one?",
    ),
    "fr": (
        "Magnifique !",
        "Trop beau 😍",
        "C'est où ?",
        "Génial, merci !",
        "Bravo, continue",
        "J'adore,\nvivement la suite",
    ),
    "pt": (
        "Lindo demais!",
        "Que top 😍",
        "Onde é isso?",
        "Amei, obrigado!",
        "Arrasou!",
        "Quero muito,\nquando tem mais?",
    ),
    "ja": ("素敵です！", "最高 😍", "どこですか？", "ありがとうございます", "いいね！"),
    "es": (
        "¡Precioso!",
        "Qué bueno 😍",
        "¿Dónde es?",
        "¡Genial, gracias!",
        "Me encanta,\n¿cuándo más?",
    ),
    "it": ("Bellissimo!", "Che bello 😍", "Dov'è?", "Grazie mille!"),
    "tr": ("Harika!", "Çok güzel 😍", "Burası neresi?"),
    "id": ("Keren banget!", "Bagus 😍", "Ini di mana?"),
    "hi": ("बहुत बढ़िया!", "शानदार 😍", "यह कहाँ है?"),
}

REPLIES: dict[str, tuple[str, ...]] = {
    "de": ("Danke dir! 🙏", "Freut uns sehr!", "Schreib uns gerne eine DM", "Bald mehr davon!"),
    "en": ("Thank you! 🙏", "So glad you like it!", "DM us for details", "More coming soon!"),
    "fr": ("Merci beaucoup ! 🙏", "Ravi que ça te plaise !", "Écris-nous en DM"),
    "pt": ("Obrigado! 🙏", "Que bom que gostou!", "Chama no direct"),
    "ja": ("ありがとうございます！🙏", "嬉しいです！", "DMでどうぞ"),
    "es": ("¡Gracias! 🙏", "¡Nos alegra!", "Escríbenos por DM"),
    "it": ("Grazie! 🙏", "Felici che ti piaccia!"),
    "tr": ("Teşekkürler! 🙏",),
    "id": ("Terima kasih! 🙏",),
    "hi": ("धन्यवाद! 🙏",),
}

POSTS: dict[str, tuple[str, ...]] = {
    "de": (
        "Neue Kollektion ist da! #neu",
        "Sonntag in den Bergen 🏔️",
        "Gewinnspiel: sag uns, wer mit soll",
        'Unser "Klassiker", jetzt neu',
        "Hinter den Kulissen,\nTeil 2",
        "Danke für 10 Jahre, ihr seid toll",
    ),
    "en": (
        "New drop is live! #new",
        "Sunday vibes 🌞",
        "Giveaway: tag a friend, win a box",
        'Our "classic", reimagined',
        "Behind the scenes,\npart 2",
        "Thank you for 10 years, you rock",
    ),
    "fr": (
        "La nouvelle collection est là ! #nouveau",
        "Dimanche au soleil 🌞",
        "Concours : tague un ami",
        "Dans les coulisses,\npartie 2",
    ),
    "pt": (
        "Coleção nova no ar! #novo",
        "Domingo de sol 🌞",
        "Sorteio: marque um amigo",
        "Bastidores,\nparte 2",
    ),
    "ja": (
        "新作が登場！ #新作",
        "日曜日の朝 🌞",
        "プレゼント企画：友達をタグ付けしてね",
        "舞台裏、\nその2",
    ),
    "es": (
        "¡Nueva colección! #nuevo",
        "Domingo de sol 🌞",
        "Sorteo: etiqueta a un amigo",
        "Detrás de cámaras,\nparte 2",
    ),
    "it": ("Nuova collezione! #nuovo", "Domenica di sole 🌞"),
    "tr": ("Yeni koleksiyon! #yeni",),
    "id": ("Koleksi baru! #baru",),
    "hi": ("नया कलेक्शन! #नया",),
}

CITIES: dict[str, tuple[str, ...]] = {
    "CH": ("Zürich", "Bern", "Basel", "Luzern"),
    "US": ("New York, NY", "Austin, TX", "Chicago"),
    "FR": ("Paris", "Lyon", "Marseille"),
    "BR": ("São Paulo", "Rio de Janeiro", "Recife"),
    "JP": ("東京", "Osaka", "Kyoto"),
    "DE": ("Berlin", "München", "Hamburg"),
    "GB": ("London", "Manchester", "Leeds"),
    "ES": ("Madrid", "Barcelona", "Sevilla"),
    "IT": ("Milano", "Roma", "Napoli"),
    "MX": ("CDMX", "Guadalajara"),
    "TR": ("İstanbul", "Ankara"),
    "ID": ("Jakarta", "Bandung"),
    "IN": ("Mumbai", "Delhi", "Bengaluru"),
}

WORDS: tuple[str, ...] = (
    "sun",
    "blue",
    "daily",
    "real",
    "official",
    "art",
    "photo",
    "travel",
    "life",
    "studio",
    "moon",
    "wave",
    "pixel",
    "green",
    "happy",
    "world",
    "cook",
    "run",
    "music",
    "fit",
)

BRANDS: tuple[str, ...] = (
    "Alpen Käserei",
    "Brooklyn Roasters",
    "Maison Lumière",
    "Praia Surf Co",
    "Sakura Tea House",
    "Berliner Bikes",
    "Thames Tailors",
    "Sol de Sevilla",
    "Pasta Nonna",
    "Taquería Luna",
)


@dataclass(frozen=True)
class Pool:
    """One text kind for all languages: flat strings plus per-language [offset, count]."""

    values: pa.Array
    offset: np.ndarray  # by language index
    count: np.ndarray

    def pick(self, rng: np.random.Generator, lang: np.ndarray) -> np.ndarray:
        """A pool index per row, in the row's language (`lang` = index into LANGS)."""
        lang = np.asarray(lang, dtype=np.int64)
        return self.offset[lang] + np.floor(rng.random(len(lang)) * self.count[lang]).astype(
            np.int64
        )

    def take(self, idx: np.ndarray) -> pa.Array:
        return self.values.take(pa.array(idx, type=pa.int64()))


def _pool(table: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> Pool:
    flat: list[str] = []
    offset = np.zeros(len(keys), dtype=np.int64)
    count = np.zeros(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        offset[i] = len(flat)
        count[i] = len(table[key])
        flat.extend(table[key])
    return Pool(pa.array(flat, type=pa.string()), offset, count)


@cache
def pool(kind: str) -> Pool:
    """`names`, `bios` (by language index) or `cities` (by country index)."""
    if kind == "cities":
        return _pool(CITIES, tuple(c for c, _ in COUNTRIES))
    return _pool({"names": NAMES, "bios": BIOS}[kind], LANGS)


# Post, comment and reply texts share one table so a row's text is one index into it.
TEXT_KINDS: tuple[str, ...] = ("posts", "comments", "replies")


@lru_cache(maxsize=1)
def text_table() -> tuple[pa.Array, dict[str, Pool]]:
    """All post/comment/reply texts in one array, and a Pool per kind indexing into it."""
    flat: list[str] = []
    parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for kind, table in zip(TEXT_KINDS, (POSTS, COMMENTS, REPLIES), strict=True):
        sub = _pool(table, LANGS)
        parts[kind] = (sub.offset + len(flat), sub.count)
        flat.extend(sub.values.to_pylist())
    values = pa.array(flat, type=pa.string())
    return values, {k: Pool(values, off, cnt) for k, (off, cnt) in parts.items()}


@lru_cache(maxsize=1)
def words() -> pa.Array:
    return pa.array(WORDS, type=pa.string())
