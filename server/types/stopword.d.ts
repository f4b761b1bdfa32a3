/** The lists `stopword` ships (it has no type declarations of its own); only those Agora reads. */
declare module 'stopword' {
  export const fra: string[];
  export const eng: string[];
}
