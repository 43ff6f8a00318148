// Synthetic names for the demo city. Any resemblance to real places or people is coincidental.
export const DISTRICT_NAMES: ReadonlyArray<[string, string]> = [
  ['东湖区', 'Donghu District'],
  ['西岭区', 'Xiling District'],
  ['南桥区', 'Nanqiao District'],
  ['北苑区', 'Beiyuan District'],
  ['滨江区', 'Binjiang District'],
  ['青山区', 'Qingshan District'],
  ['云溪区', 'Yunxi District'],
  ['梅林区', 'Meilin District'],
  ['石桥区', 'Shiqiao District'],
  ['长河区', 'Changhe District'],
  ['白沙区', 'Baisha District'],
  ['金湾区', 'Jinwan District'],
];

export const PLACE_STEMS: ReadonlyArray<[string, string]> = [
  ['望江', 'Wangjiang'],
  ['翠苑', 'Cuiyuan'],
  ['文华', 'Wenhua'],
  ['和平', 'Heping'],
  ['兴隆', 'Xinglong'],
  ['桂花', 'Guihua'],
  ['紫荆', 'Zijing'],
  ['朝阳', 'Chaoyang'],
  ['明月', 'Mingyue'],
  ['清河', 'Qinghe'],
  ['玉泉', 'Yuquan'],
  ['枫林', 'Fenglin'],
  ['锦绣', 'Jinxiu'],
  ['春晖', 'Chunhui'],
  ['秋实', 'Qiushi'],
  ['星河', 'Xinghe'],
  ['新塘', 'Xintang'],
  ['古荡', 'Gudang'],
  ['松木', 'Songmu'],
  ['柳营', 'Liuying'],
  ['荷花', 'Hehua'],
  ['长庆', 'Changqing'],
  ['景芳', 'Jingfang'],
  ['闸弄', 'Zhanong'],
];

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '文', '华', '建国', '晓燕', '子涵', '浩然', '欣怡', '宇轩'];

export interface PlaceCategory {
  category: string;
  kind: 'venue' | 'sentinel';
  zh: string;
  en: string;
}

export const PLACE_CATEGORIES: Record<string, PlaceCategory> = {
  residential_compound: { category: 'residential_compound', kind: 'venue', zh: '小区', en: 'Residential compound' },
  shop: { category: 'shop', kind: 'venue', zh: '便利店', en: 'Shop' },
  restaurant: { category: 'restaurant', kind: 'venue', zh: '餐馆', en: 'Restaurant' },
  school: { category: 'school', kind: 'venue', zh: '学校', en: 'School' },
  hospital: { category: 'hospital', kind: 'venue', zh: '医院', en: 'Hospital' },
  office: { category: 'office', kind: 'venue', zh: '写字楼', en: 'Office building' },
  market: { category: 'market', kind: 'venue', zh: '农贸市场', en: 'Market' },
  metro_station: { category: 'metro_station', kind: 'sentinel', zh: '地铁站', en: 'Metro station' },
  checkpoint: { category: 'checkpoint', kind: 'sentinel', zh: '卡口', en: 'Checkpoint' },
};
