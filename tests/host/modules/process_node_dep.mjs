export const value = 'imported through a file: URL';
