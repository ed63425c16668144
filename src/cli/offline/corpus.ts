import { readFileSync } from 'node:fs';
import { stemWords } from '../../orchestrator/evidence.ts';
import type { ScrapedPage, Scraper } from '../../orchestrator/scraper.ts';
import { countWords } from '../../orchestrator/text.ts';

/** One bundled topic: a brief and the competitor pages recorded for it. */
export type RecordedTopic = {
  id: string;
  kind: string;
  topic: string;
  keyphrase: string;
  keywords: string[];
  pages: { url: string; title: string; markdown: string }[];
};

type TopicsFile = { topics: (Omit<RecordedTopic, 'pages'> & { pages: { url: string; title: string; file: string }[] })[] };

let corpus: RecordedTopic[] | undefined;

/** The bundled topics with their recorded pages (src/cli/offline/topics.json and pages/). */
export function loadRecordedTopics(): RecordedTopic[] {
  if (corpus) return corpus;
  const file = JSON.parse(readFileSync(new URL('./topics.json', import.meta.url), 'utf8')) as TopicsFile;
  corpus = file.topics.map((topic) => ({
    ...topic,
    pages: topic.pages.map((page) => ({
      url: page.url,
      title: page.title,
      markdown: readFileSync(new URL(`./pages/${page.file}`, import.meta.url), 'utf8').trim(),
    })),
  }));
  return corpus;
}

/** The bundled topic sharing the most (stemmed) words with the query; the first one on a tie or no overlap. */
export function findClosestTopic(query: string, topics: readonly RecordedTopic[] = loadRecordedTopics()): RecordedTopic {
  const wanted = new Set(stemWords(query));
  let best = topics[0]!;
  let bestScore = -1;
  for (const topic of topics) {
    const words = new Set(stemWords([topic.topic, topic.keyphrase, ...topic.keywords, ...topic.pages.map((page) => page.title)].join(' ')));
    const score = [...wanted].filter((word) => words.has(word)).length;
    if (score > bestScore) {
      best = topic;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A Scraper over the recorded pages: search answers with the closest bundled topic's pages, and
 * only recorded pages can be read. No network.
 */
export function makeRecordedScraper(topics: readonly RecordedTopic[] = loadRecordedTopics()): Scraper {
  const pagesByUrl = new Map(topics.flatMap((topic) => topic.pages.map((page) => [page.url, page] as const)));
  return {
    async search(query, limit) {
      return findClosestTopic(query, topics)
        .pages.slice(0, limit)
        .map((page) => ({ url: page.url, title: page.title, description: page.markdown.split('\n').find((line) => line.trim() && !line.startsWith('#')) ?? '' }));
    },
    async scrapeAll(urls) {
      const pages: ScrapedPage[] = [];
      const failures: { url: string; reason: string }[] = [];
      for (const url of urls) {
        const page = pagesByUrl.get(url);
        if (page) pages.push({ url: page.url, title: page.title, markdown: page.markdown, wordCount: countWords(page.markdown), truncated: false });
        else failures.push({ url, reason: 'the offline demo reads only its recorded pages' });
      }
      return { pages, failures };
    },
  };
}
