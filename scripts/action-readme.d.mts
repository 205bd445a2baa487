export const START: string;
export const END: string;
export function renderActionSection(): string;
export function renderReadme(readme: string): string;
