/** Where the console keeps the admin key between visits. */
const STORAGE_KEY = 'grove.adminKey';

export interface KeyStorage {
  read(): string | null;
  write(key: string): void;
  clear(): void;
}

export function createKeyStorage(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>): KeyStorage {
  return {
    read: () => storage.getItem(STORAGE_KEY),
    write: (key) => storage.setItem(STORAGE_KEY, key),
    clear: () => storage.removeItem(STORAGE_KEY),
  };
}
