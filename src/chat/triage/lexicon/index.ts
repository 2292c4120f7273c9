import type { LanguageData } from '../types.js';
import { bn } from './bn.js';
import { en } from './en.js';
import { gu } from './gu.js';
import { hi } from './hi.js';
import { hinglish } from './hinglish.js';
import { kn } from './kn.js';
import { ml } from './ml.js';
import { mr } from './mr.js';
import { or } from './or.js';
import { pa } from './pa.js';
import { ta } from './ta.js';
import { te } from './te.js';

/** Every language the triage understands. Adding one: write its file and list it here (no engine change). */
export const LANGUAGES: LanguageData[] = [en, hi, hinglish, bn, ta, te, mr, gu, kn, ml, pa, or];
