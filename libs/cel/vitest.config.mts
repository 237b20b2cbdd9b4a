import { defineProject } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.mjs';

export default defineProject(projectTestConfig(import.meta.dirname, 'cel'));
