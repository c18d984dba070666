"""Writes a topic-model vector file for tests/notes/test_topics.c: random
notes on random posts, their summaries drawn from seed terms (in the forms
posts write them: cases, suffixes, URLs, "SC/ST"), words that go with each
topic, plain words (some holding a blocked token such as "sc"), accented
words, URLs and underscores; and the topic the reference's TopicModel
gives each note, run as run_scoring.run_prescoring runs it
(train_note_topic_classifier, then get_note_topics with its seed labels),
with the post's seed label (_make_seed_labels; -1 when conflicted).

Usage: COMMUNITYNOTES=checkout /usr/bin/python3 topic_vectors.py POSTS SEED OUT.tsv
(tests/notes/vectors/topics-300.tsv: 300 7; topics-2100.tsv: 2100 8, where
the vectorizer's min_df of 25 and max_df of 1000 both prune.)
"""
import os
import random
import sys

ref = os.environ.get("COMMUNITYNOTES", "/tmp/cnref")
sys.path.insert(0, os.path.join(ref, "scoring", "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from scoring import constants as c  # noqa: E402
from scoring.enums import Topics  # noqa: E402
from scoring.topic_model import TopicModel  # noqa: E402

SEEDS = {
    1: ["Ukraine", "ukrainian", "UKRAINE's", "Russia", "russian", "Kyiv", "kiev", "Moscow",
        "Zelensky", "putin"],
    2: ["Israel", "israeli", "Palestinians", "palestine", "Gaza", "#Hamas", "hamas", "Jerusalem"],
    3: ["Messi", "messi's", "Ronaldo", "cristiano ronaldo"],
    4: ["scam", "scammers", "SPAM", "spammy", "https://help.x.com/en/rules", "help.x.com",
        "terms of service", "undisclosed ad", "engagement farming", "drop shipping",
        "dropshipping", "promotion", "Gambling", "apuestas", "apostas"],
    5: ["UGC", "OBC", "SC, ST", "SC/ST", "sc st", "GC", "\u0906\u0930\u0915\u094d\u0937\u0923"],
}
WORDS = {
    1: ["donbas", "kharkiv", "drones", "sanctions", "front", "mobilization", "crimea"],
    2: ["ceasefire", "hostages", "rafah", "idf", "aid", "strip", "tunnels"],
    3: ["football", "goal", "argentina", "ballon", "dor", "portugal", "striker"],
    4: ["giveaway", "crypto", "wallet", "prize", "click", "link", "airdrop"],
    5: ["reservation", "caste", "quota", "mandal", "commission", "census", "seats"],
}
PLAIN = ["the", "claim", "video", "is", "missing", "context", "report", "source", "official",
         "photo", "from", "2019", "this", "not", "old", "edited", "science", "discuss",
         "describe", "caf\u00e9", "ni\u00f1o", "\u00c5ngstr\u00f6m", "na\u00efve", "Stra\u00dfe",
         "data_set", "a", "I", "x", "statement", "according", "agency", "said"]
URLS = ["https://example.com/news/some_long_article?ref=sc_lang", "http://t.co/Ab12cd",
        "https://www.reuters.com/world/europe/ukraine-war-2023", "(https://apnews.com/article)",
        "https://x.com/tos", "https://gazette.example.org/sc_st_list"]


def summary(rng, topic, second):
    words = [rng.choice(PLAIN) for _ in range(rng.randint(2, 6))]
    if topic:
        if rng.random() < 0.75:
            words.append(rng.choice(SEEDS[topic]))
        words += [rng.choice(WORDS[topic]) for _ in range(rng.randint(1, 3))]
        if second:
            words.append(rng.choice(SEEDS[second]))
    elif rng.random() < 0.1:
        words.append(rng.choice(WORDS[rng.randint(1, 5)]))
    if rng.random() < 0.2:
        words.append(rng.choice(URLS))
    rng.shuffle(words)
    return " ".join(words) + rng.choice([".", "", "!", " ?"])


def main():
    posts, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    rows = []
    for p in range(posts):
        topic = rng.randint(1, 5) if rng.random() < 0.6 else 0
        second = rng.choice([t for t in range(1, 6) if t != topic]) if rng.random() < 0.05 else 0
        for k in range(rng.choice([1, 1, 1, 2, 3])):
            rows.append((len(rows) + 1, 1000 + (p * 7919) % (posts * 3),
                         summary(rng, topic, second if k == 0 else 0)))
    rng.shuffle(rows)
    notes = pd.DataFrame(rows, columns=[c.noteIdKey, c.tweetIdKey, c.summaryKey])
    model = TopicModel()
    pipe, seeds, conflicted = model.train_note_topic_classifier(notes)
    topics = model.get_note_topics(notes, [pipe], [seeds], conflictedTextSetsForAccuracyEval=[conflicted])
    topic_of = dict(zip(topics[c.noteIdKey], topics[c.noteTopicKey]))
    post_text = model._prepare_post_text(notes)
    seed_of = {t: (-1 if conf is not None else int(s))
               for t, s, conf in zip(post_text[c.tweetIdKey], seeds, conflicted)}
    with open(out, "w") as f:
        f.write("noteId\ttweetId\ttopic\tseedLabel\tsummary\n")
        for note, tweet, text in rows:
            name = topic_of.get(note, Topics.Unassigned.name)
            f.write(f"{note}\t{tweet}\t{Topics[name].value}\t{seed_of[tweet]}\t{text}\n")


if __name__ == "__main__":
    main()
