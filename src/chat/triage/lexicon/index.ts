import type { LanguageData } from '../types.js';
import { en } from './en.js';
import { hi } from './hi.js';
import { hinglish } from './hinglish.js';

/** Every language the triage understands. Adding one: write its file and list it here (no engine change). */
export const LANGUAGES: LanguageData[] = [en, hi, hinglish];
