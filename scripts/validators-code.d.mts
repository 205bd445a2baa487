export function generateValidatorsCode(): string;
