import { register } from 'node:module';

register('./typescript5-hook.mjs', import.meta.url);
