export const floorActivities = {
  async noop(): Promise<string> {
    return 'ok';
  },
};
