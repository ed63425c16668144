// yoastseo 3.6 ships CommonJS without types; these cover only what analyze.ts uses.
declare module 'yoastseo' {
  export type PaperAttributes = {
    keyword?: string;
    /** Comma-separated. */
    synonyms?: string;
    /** The SEO title. */
    title?: string;
    /** The SEO title's width in pixels (Arial 20px); 0 reads as "no title". */
    titleWidth?: number;
    description?: string;
    slug?: string;
    locale?: string;
  };

  export class Paper {
    constructor(html: string, attributes?: PaperAttributes);
  }

  export interface Researcher {
    getResearch(name: 'wordCountInText'): { count: number };
  }

  export class AssessmentResult {
    getIdentifier(): string;
    /** 1–9 for a rated result; -1 when the assessment threw; negative penalties (-50, -999) exist too. */
    getScore(): number;
    /** HTML: Yoast wraps its feedback in links to yoa.st. */
    getText(): string;
  }

  export class Assessor {
    constructor(researcher: Researcher);
    assess(paper: Paper): void;
    getValidResults(): AssessmentResult[];
    calculateOverallScore(): number;
    removeAssessment(identifier: string): void;
  }

  export class SeoAssessor extends Assessor {}
  export class ContentAssessor extends Assessor {}
}

declare module 'yoastseo/build/languageProcessing/languages/en/Researcher.js' {
  import type { Paper, Researcher } from 'yoastseo';

  export default class EnglishResearcher implements Researcher {
    constructor(paper: Paper);
    getResearch(name: 'wordCountInText'): { count: number };
  }
}
